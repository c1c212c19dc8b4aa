resource "octopusdeploy_variable" "site_apikey" {
  space_id        = var.octopus_space_id
  owner_id        = octopusdeploy_project.web_site.id
  name            = "Site.ApiKey"
  type            = "Sensitive"
  is_sensitive    = true
  sensitive_value = var.web_site_site_apikey
}

resource "octopusdeploy_variable" "site_url_production" {
  space_id = var.octopus_space_id
  owner_id = octopusdeploy_project.web_site.id
  name     = "Site.Url"
  type     = "String"
  value    = "https://www.example.com"

  scope {
    environments = [local.environment_production_id]
  }
}

resource "octopusdeploy_variable" "site_url_test" {
  space_id = var.octopus_space_id
  owner_id = octopusdeploy_project.web_site.id
  name     = "Site.Url"
  type     = "String"
  value    = "https://test.example.com"

  scope {
    environments = [local.environment_test_id]
  }
}
