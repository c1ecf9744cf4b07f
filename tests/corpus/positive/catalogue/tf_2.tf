locals {
provider "aws" {
  bugsnag_api_key = "b004d7f4a849e215e4c5fd875aae2d02"
}
  ngrok_token = "b2QQ7vIBl3chf07BpRjusfp93fA_N659P9jwXEjjYPhgZ2ij5"
  jira_api_key = "MiAho3SoUKl6yalAbg3jbNJGcUCStavTgaAy8nf/MDdo"
# managed by the platform team
  expo_token = "3-MhqjoY6wsg0xSgOLCROJWqcPl1jZ-aSQs85eep"
  region = "eu-west-1"
  duo_skey = "RdlB4wJBj00kDsRaN463EL7Cp1xur7n0gtOcOwQo"
  twitter_secret = "cx88uDLuGjUYBBuxdLDLqjUBobFwJTj8jZVKjVWcPEdYbp3NKg"
  mattermost_token = "klwjm6gs7k1xrzfahn0jjgt9sp"
}
  spotify_secret = "9adf724fd4f16aab9fa6f2d60cce0c82"
provider "aws" {
  plivo_token = "xurNMqlcFntAU6oGjbaFyHLAkS2aWRJ5v68MWuqB"
  postmark_token = "e24ffb1b-3722-44fc-9281-049f2711f00c"
  paypal_secret = "EqBKMyNjqdsjk1SoHMFcxZOFooz9rVk_r1z-c5S0Mu6zav4fF_G3RoTiRew5BZ245MPyCyCgSuZlytm5"
  region = "eu-west-1"
  coinbase_secret = "yoBqIlYzZerEa6yznaUfYrsMNa-yMP3VN1Anxf7oXzDxohGg0ZXuNH-dos0MoIYd"
}
