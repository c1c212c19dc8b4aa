resource "octopusdeploy_environment" "production" {
  space_id                     = var.octopus_space_id
  name                         = "Production"
  slug                         = "production"
  sort_order                   = 1
  use_guided_failure           = true
  allow_dynamic_infrastructure = false
}

resource "octopusdeploy_environment" "test" {
  space_id                     = var.octopus_space_id
  name                         = "Test"
  slug                         = "test"
  sort_order                   = 0
  use_guided_failure           = false
  allow_dynamic_infrastructure = false
}
