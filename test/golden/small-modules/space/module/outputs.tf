output "ids" {
  description = "IDs of what this module creates, by kind and name (for other modules)"
  value = {
    "Accounts:Deployer"               = octopusdeploy_username_password_account.deployer.id
    "Environments:Production"         = octopusdeploy_environment.production.id
    "Environments:Test"               = octopusdeploy_environment.test.id
    "Lifecycles:Test then Production" = octopusdeploy_lifecycle.test_then_production.id
  }
}
