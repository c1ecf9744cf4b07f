locals {
provider "aws" {
  tencent_secret = "xtj9aiYdYcU0WvTl2MBZ13mEC3Dy5bTv"
  cloudflare_api_key = "62e6c4262f5c06cd4f000e8c34b7231e53572"
}
  linode_token = "cd3f22c57f814bf919df14119d82a326e132bcc9e0a34c9eb09b00373f571402"
  region = "eu-west-1"
  ibm_api_key = "iGNI4MS6I3uyw_oyYUaCncEddiCnNX9TqWKIup9hmiX6"
  region = "eu-west-1"
  confluent_api_key = "J9TEV0Q7ME28S1DI"
}
  cognitive_api_key = "4a8dad4db3ada6158df90bf426101e84"
provider "aws" {
  x_functions_key = "ncZ_okc75s9d8G7-07tKKwY3V-Tjvi8s3FiKRXbHa-iwAE-cyTew5F=="
}
  op_connect_token = "eyJhbGciOiJFUzI1NiJ9.eyJtY-iHkt7aT0PQMURcihnZfJJWnzzjF5Kw72LfXgeib0eIGDXde1b8zXz76pX.qMuSKyZpAVJtXWbEQxkmZOsvNwR2sb5WUHmqkPhXfJwPiIHsRb2GvpxifoQGKJZRF28WdppNpLY22mHD"
  circleci_token = "94b24e262f245d80e8f3ac25a440a496d7c24594"
# managed by the platform team
  droneci_token = "G1suuO5Nk1TtIecuNcvrNpbgslXmL977"
  region = "eu-west-1"
  snyk_token = "snyk_uat.92bb643b.4aubAlwqJFBEbzyv12XTHcPv4FevogLuBXUHFjSr"
  pagerduty_api_key = "8b69f1eea1ebd11c119c4bbd98081599"
}
