data "octopusdeploy_environments" "production" {
  count    = contains(keys(var.octoport_ids), "Environments:Production") ? 0 : 1
  space_id = var.octopus_space_id
  name     = "Production"
  skip     = 0
  take     = 1000

  lifecycle {
    postcondition {
      condition     = length([for x in self.environments : x if x.name == "Production"]) == 1
      error_message = "The environment \"Production\" was not found in the destination space (apply space first)."
    }
  }
}

locals {
  environment_production_id = try(var.octoport_ids["Environments:Production"], one([for d in data.octopusdeploy_environments.production : d.environments[0].id]))
}

data "octopusdeploy_environments" "test" {
  count    = contains(keys(var.octoport_ids), "Environments:Test") ? 0 : 1
  space_id = var.octopus_space_id
  name     = "Test"
  skip     = 0
  take     = 1000

  lifecycle {
    postcondition {
      condition     = length([for x in self.environments : x if x.name == "Test"]) == 1
      error_message = "The environment \"Test\" was not found in the destination space (apply space first)."
    }
  }
}

locals {
  environment_test_id = try(var.octoport_ids["Environments:Test"], one([for d in data.octopusdeploy_environments.test : d.environments[0].id]))
}

data "octopusdeploy_lifecycles" "test_then_production" {
  count        = contains(keys(var.octoport_ids), "Lifecycles:Test then Production") ? 0 : 1
  space_id     = var.octopus_space_id
  partial_name = "Test then Production"
  skip         = 0
  take         = 1000

  lifecycle {
    postcondition {
      condition     = length([for x in self.lifecycles : x if x.name == "Test then Production"]) == 1
      error_message = "The lifecycle \"Test then Production\" was not found in the destination space (apply space first)."
    }
  }
}

locals {
  lifecycle_test_then_production_id = try(var.octoport_ids["Lifecycles:Test then Production"], one([for d in data.octopusdeploy_lifecycles.test_then_production : [for x in d.lifecycles : x.id if x.name == "Test then Production"][0]]))
}

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
