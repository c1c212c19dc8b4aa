resource "octopusdeploy_project" "web_site" {
  space_id                             = var.octopus_space_id
  name                                 = "Web Site"
  slug                                 = "web-site"
  lifecycle_id                         = local.lifecycle_test_then_production_id
  project_group_id                     = local.project_group_default_project_group_id
  default_guided_failure_mode          = "EnvironmentDefault"
  default_to_skip_if_already_installed = false
  is_discrete_channel_release          = false
  is_disabled                          = false
  tenanted_deployment_participation    = "Untenanted"

  connectivity_policy {
    allow_deployments_to_no_targets = false
    exclude_unhealthy_targets       = false
    skip_machine_behavior           = "None"
  }
}

resource "octopusdeploy_project_versioning_strategy" "web_site" {
  space_id   = var.octopus_space_id
  project_id = octopusdeploy_project.web_site.id
  template   = "#{Octopus.Version.LastMajor}.#{Octopus.Version.LastMinor}.#{Octopus.Version.NextPatch}"
}
