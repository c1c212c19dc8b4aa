resource "octopusdeploy_process" "web_site_deployment" {
  space_id   = var.octopus_space_id
  project_id = octopusdeploy_project.web_site.id
}

resource "octopusdeploy_process_step" "web_site_deployment_deploy" {
  space_id            = var.octopus_space_id
  process_id          = octopusdeploy_process.web_site_deployment.id
  name                = "Deploy"
  condition           = "Success"
  start_trigger       = "StartAfterPrevious"
  package_requirement = "LetOctopusDecide"
  properties          = { "Octopus.Action.TargetRoles" = "web" }
  type                = "Octopus.Script"
  slug                = "deploy"
  is_disabled         = false
  is_required         = false
  execution_properties = {
    "Octopus.Action.Script.ScriptBody"   = <<EOT
echo "Deploying #{Octopus.Release.Number} to $${HOSTNAME}"
exit 0
EOT
    "Octopus.Action.Script.ScriptSource" = "Inline"
    "Octopus.Action.Script.Syntax"       = "Bash"
  }
}

resource "octopusdeploy_process_steps_order" "web_site_deployment" {
  space_id   = var.octopus_space_id
  process_id = octopusdeploy_process.web_site_deployment.id
  steps      = [octopusdeploy_process_step.web_site_deployment_deploy.id]
}
