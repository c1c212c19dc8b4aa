resource "octopusdeploy_space_default_lifecycle_release_retention_policy" "lifecycle_release" {
  space_id         = var.octopus_space_id
  strategy         = "Count"
  quantity_to_keep = 30
  unit             = "Days"
}

resource "octopusdeploy_space_default_lifecycle_tentacle_retention_policy" "lifecycle_tentacle" {
  space_id         = var.octopus_space_id
  strategy         = "Count"
  quantity_to_keep = 30
  unit             = "Days"
}

resource "octopusdeploy_space_default_runbook_retention_policy" "runbook_retention" {
  space_id         = var.octopus_space_id
  strategy         = "Count"
  quantity_to_keep = 100
  unit             = "Items"
}
