resource "octopusdeploy_lifecycle" "test_then_production" {
  space_id = var.octopus_space_id
  name     = "Test then Production"

  release_retention_with_strategy {
    strategy         = "Count"
    quantity_to_keep = 30
    unit             = "Days"
  }

  tentacle_retention_with_strategy {
    strategy         = "Count"
    quantity_to_keep = 30
    unit             = "Days"
  }

  phase {
    name                                  = "Test"
    automatic_deployment_targets          = [octopusdeploy_environment.test.id]
    optional_deployment_targets           = []
    minimum_environments_before_promotion = 0
    is_optional_phase                     = false
    is_priority_phase                     = false
  }

  phase {
    name                                  = "Production"
    automatic_deployment_targets          = []
    optional_deployment_targets           = [octopusdeploy_environment.production.id]
    minimum_environments_before_promotion = 0
    is_optional_phase                     = false
    is_priority_phase                     = false
  }
}
