variable "octopus_space_id" {
  type        = string
  description = "ID of the destination space"
}

variable "octoport_ids" {
  type        = map(string)
  default     = {}
  description = "IDs of what other modules create, by kind and name; anything not here is looked up by name"
}

variable "account_deployer_password" {
  type        = string
  sensitive   = true
  description = "Password of account \"Deployer\""
}
