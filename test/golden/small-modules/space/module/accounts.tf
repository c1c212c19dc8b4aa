resource "octopusdeploy_username_password_account" "deployer" {
  space_id                          = var.octopus_space_id
  name                              = "Deployer"
  username                          = "deploy"
  password                          = var.account_deployer_password
  tenanted_deployment_participation = "Untenanted"
}
