terraform {
  required_providers {
    octopusdeploy = {
      "source"  = "OctopusDeploy/octopusdeploy"
      "version" = "~> 1.17"
    }
  }
}
