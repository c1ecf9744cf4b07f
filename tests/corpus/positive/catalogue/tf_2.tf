locals {
  bugsnag_api_key = "b004d7f4a849e215e4c5fd875aae2d02"
}
  ngrok_token = "b2QQ7vIBl3chf07BpRjusfp93fA_N659P9jwXEjjYPhgZ2ij5"
provider "aws" {
  bitbucket_secret = "UQCc2UUH3nGdwSvvmhLP3O5ozQMIrFh7"
  sourcegraph_token = "316bb8488f712c394e59c7825ed35e416cfca274"
  auth0_token = "eyJhbGciOiJSUzI1NiJ9.eyJyTLeUue2XHkAMARAPIbOvkGMLt-Bpk1gQZPWpgQB2kfBrfNecpBB8XYxhhLa.tFXpo3rOBuD58YP7nYQTCQ0KnyZUTVrINEGHXCsNtf9iSK94HUzQtdkih6NpbMjB0q0DHjfuqKqFoJh3"
  region = "eu-west-1"
  keycloak = "lTBHVH6plcpjQnP27Nr6wCn3WajodzUA"
# managed by the platform team
  facebook_secret = "a5d627e685efee269cdb30235a0eef29"
}
  zoom_secret = "ePrfWIUytAXyx44mSxxI9vIQAKHHxIyJ"
# managed by the platform team
  sendbird_token = "ab5b3d64224aa84866f25ab27a83cf7c89654da7"
  region = "eu-west-1"
  messagebird_api_key = "XtWj7PGwoH89w1fITW9ifGCgG"
# managed by the platform team
  mandrill_api_key = "4NPFRCmSMGHBcsuzhAAjGK"
}
  plaid_secret = "48d2b8c926e2ba01997ea38e5e17a0"
}
