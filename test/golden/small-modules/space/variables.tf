variable "octopus_server" {
  type        = string
  nullable    = false
  description = "URL of the destination Octopus Server, e.g. https://octopus.example.com"
}

variable "octopus_apikey" {
  type        = string
  nullable    = false
  sensitive   = true
  description = "API key for the destination Octopus Server"
}

variable "octopus_space_id" {
  type        = string
  nullable    = false
  description = "ID of the destination space, e.g. Spaces-1"
}

variable "account_deployer_password" {
  type        = string
  nullable    = false
  sensitive   = true
  description = "Password of account \"Deployer\""
}
