variable "db_password" {
  type      = string
  sensitive = true
}
  password = var.db_password
  token    = data.vault_generic_secret.app.data["token"]
  secret_key = random_password.key.result
  api_key = local.api_key
  password = "${var.password}"
