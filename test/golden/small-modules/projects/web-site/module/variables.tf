variable "octopus_space_id" {
  type        = string
  description = "ID of the destination space"
}

variable "octoport_ids" {
  type        = map(string)
  default     = {}
  description = "IDs of what other modules create, by kind and name; anything not here is looked up by name"
}

variable "web_site_site_apikey" {
  type        = string
  sensitive   = true
  description = "Sensitive variable Site.ApiKey of Web Site"
}
