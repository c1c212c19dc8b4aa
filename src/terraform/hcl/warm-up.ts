/**
 * What the HCL check's parser parses while it waits for its first files (see HclChecker).
 *
 * V8 runs the parser's WebAssembly on baseline code at first and recompiles its hot functions
 * as they run: a cold parser took 0.65 s over its first 300 KB of HCL, which it parses warm in
 * 0.12 s. The export reads the space first, and the parser is idle then: parsing this text some
 * times over meanwhile has the parser warm when the first module comes. On the M bench space
 * (2 cores, 20 ms latency) the export took 4.0 s instead of 4.4; 50 to 200 parses of it did
 * as well, 400 worse (the reading then lacked the CPU).
 *
 * The text is hand-written in the printer's style (not byte for byte: `=` is not aligned
 * throughout) with the kinds of construct an export holds (blocks, maps, lists, heredocs,
 * escapes, `for` expressions, import and moved blocks), so the parser's paths for each are the
 * ones recompiled. A test checks that it parses and holds those kinds.
 */
export const WARM_UP_PARSES = 100;

export const WARM_UP_HCL = `terraform {
  required_providers {
    octopusdeploy = { source = "OctopusDeploy/octopusdeploy", version = "~> 1.17" }
  }
}

variable "octopus_space_id" {
  type        = string
  nullable    = false
  description = "The ID of the space to apply this module to"
}

variable "octoport_ids" {
  type        = map(string)
  default     = {}
  description = "IDs of resources found elsewhere, by the source's ID"
}

variable "account_warm_up_secret" {
  type      = string
  sensitive = true
  default   = null
  validation {
    condition     = var.account_warm_up_secret == null || length(var.account_warm_up_secret) > 0
    error_message = "Give the secret, or leave it out."
  }
}

data "octopusdeploy_environments" "production" {
  partial_name = "Production"
  skip         = 0
  take         = 1
}

locals {
  environment_production_id = try(var.octoport_ids["Environments-1"], one([for d in data.octopusdeploy_environments.production.environments : d.id if d.name == "Production"]))
}

resource "octopusdeploy_project" "warm_up" {
  space_id                             = var.octopus_space_id
  name                                 = "Warm \\"up\\" \\\\ #{Octopus.Project.Name} $\${literal} %%{directive}"
  description                          = "Line one\\nLine two\\tand a tab \\u00e9"
  lifecycle_id                         = octopusdeploy_lifecycle.default.id
  project_group_id                     = octopusdeploy_project_group.default.id
  is_disabled                          = false
  tenanted_deployment_participation    = "TenantedOrUntenanted"
  included_library_variable_sets       = [octopusdeploy_library_variable_set.shared.id, local.environment_production_id]
  default_guided_failure_mode          = "EnvironmentDefault"
  connectivity_policy {
    allow_deployments_to_no_targets = true
    skip_machine_behavior           = "None"
    target_roles                    = ["web", "api"]
  }
  lifecycle {
    ignore_changes = [connectivity_policy]
  }
}

resource "octopusdeploy_process_step" "warm_up_step" {
  space_id            = var.octopus_space_id
  process_id          = octopusdeploy_process.warm_up.id
  name                = "Run a script"
  condition           = "Variable"
  start_trigger       = "StartAfterPrevious"
  properties          = { "Octopus.Action.TargetRoles" = "web", "Octopus.Step.ConditionVariableExpression" = "#{if Octopus.Deployment.Error}true#{/if}" }
  type                = "Octopus.Script"
  environments        = [local.environment_production_id]
  tenant_tags         = ["Region/West", "Tier/Gold"]
  primary_package = {
    "package_id"           = "App.Web"
    "feed_id"              = octopusdeploy_nuget_feed.nuget.id
    "acquisition_location" = "Server"
    "properties"           = { "Extract" = "True", "SelectionMode" = "immediate" }
  }
  execution_properties = {
    "Octopus.Action.Script.ScriptBody"   = <<EOT
Write-Host "Deploying #{Octopus.Release.Number} to #{Octopus.Environment.Name}"
if ($OctopusParameters["Skip"] -eq "true") { exit 0 }
EOT
    "Octopus.Action.Script.ScriptSource" = "Inline"
    "Octopus.Action.Script.Syntax"       = "PowerShell"
  }
}

resource "octopusdeploy_variable" "warm_up_value" {
  owner_id     = octopusdeploy_project.warm_up.id
  name         = "Database.ConnectionString"
  type         = "Sensitive"
  is_sensitive = true
  sensitive_value = var.account_warm_up_secret
  scope {
    environments = [local.environment_production_id]
    roles        = ["db"]
    tenant_tags  = ["Tier/Gold"]
  }
  prompt {
    label       = "Connection"
    description = ""
    is_required = true
    display_settings {
      control_type = "Select"
      select_option {
        value        = "a"
        display_name = "A"
      }
    }
  }
}

resource "octopusdeploy_project_scheduled_trigger" "nightly" {
  space_id    = var.octopus_space_id
  name        = "Nightly"
  project_id  = octopusdeploy_project.warm_up.id
  timezone    = "UTC"
  count       = length(var.octoport_ids) > 0 ? 0 : 1
  once_daily_schedule {
    start_time   = "2026-01-01T02:00:00"
    days_of_week = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]
  }
  deploy_latest_release_action {
    source_environment_id      = local.environment_production_id
    destination_environment_id = local.environment_production_id
    should_redeploy            = true
  }
  depends_on = [octopusdeploy_process_step.warm_up_step]
}

import {
  to = octopusdeploy_project.warm_up
  id = "Projects-1"
}

moved {
  from = octopusdeploy_project.old_name
  to   = octopusdeploy_project.warm_up
}

output "octopusdeploy_project_warm_up_id" {
  value       = octopusdeploy_project.warm_up.id
  description = "The project's ID"
}
`;
