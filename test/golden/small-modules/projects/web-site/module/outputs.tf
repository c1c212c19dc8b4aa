output "ids" {
  description = "IDs of what this module creates, by kind and name (for other modules)"
  value       = { "Projects:Web Site" = octopusdeploy_project.web_site.id }
}
