variable "location" {
  default = "westeurope"
}

resource "azuredevops_serviceendpoint_generic" "feed" {
  project_id            = azuredevops_project.main.id
  server_url            = "https://pkgs.dev.azure.com/acme"
  service_endpoint_name = "feed"
  password              = "iAg0iZr7JfZcJ2FfofZyLhN6fc56eUvqcKbqnR0bOe1FYYZne1pRJQQJ99kOwpJuydvete2FC0jOAZDORHGW"
}

locals {
  cosmos_primary_key = "bxraF5nYVXVSIc5Wly7JnnbTKkK5Mo99drOKKqxX9ukeSHTEKeYj7OHhIAvbWUsFC5l8kTqPoqz1ACDbeUYoxe=="
  acr_admin_password = "4x3paZdS2le8ioHEGuP7Ziy9ax8TcXTI4Ol2GgtZoQ+ACRccxxhe"
  sp_client_secret   = "yD98Q~Jzt9Tw6mPVyo1kYBsiSwLwUSQzdtWuhVeV"
}
