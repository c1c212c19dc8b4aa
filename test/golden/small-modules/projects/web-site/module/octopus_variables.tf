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
    environments = [
      try(var.octoport_ids["Environments:Production"], one([for d in data.octopusdeploy_environments.production : d.environments[0].id])),
    ]
  }
}

resource "octopusdeploy_variable" "site_url_test" {
  space_id = var.octopus_space_id
  owner_id = octopusdeploy_project.web_site.id
  name     = "Site.Url"
  type     = "String"
  value    = "https://test.example.com"

  scope {
    environments = [
      try(var.octoport_ids["Environments:Test"], one([for d in data.octopusdeploy_environments.test : d.environments[0].id])),
    ]
  }
}
