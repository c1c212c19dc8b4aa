data "octopusdeploy_project_groups" "default_project_group" {
  space_id     = var.octopus_space_id
  partial_name = "Default Project Group"
  skip         = 0
  take         = 1000

  lifecycle {
    postcondition {
      condition     = length([for x in self.project_groups : x if x.name == "Default Project Group"]) == 1
      error_message = "The project group \"Default Project Group\" was not found in the destination space (every space has it)."
    }
  }
}

locals {
  project_group_default_project_group_id = [for x in data.octopusdeploy_project_groups.default_project_group.project_groups : x.id if x.name == "Default Project Group"][0]
}
