locals {
  bugsnag_api_key = "b004d7f4a849e215e4c5fd875aae2d02"
}
  ngrok_token = "b2QQ7vIBl3chf07BpRjusfp93fA_N659P9jwXEjjYPhgZ2ij5"
provider "aws" {
  bitbucket_secret = "UQCc2UUH3nGdwSvvmhLP3O5ozQMIrFh7"
  cloudsmith_api_key = "3ddb72eb5746ea5669cc2ee7d5754a5f5d10c808"
  onelogin_secret = "4960528add84ef79591db7777ee56de855c37f6b9ea002d927c81dac6d897d87"
  region = "eu-west-1"
  twitter_token = "7610037233679616990-i1NrCCZL431h8MAwahci1C7z6oa9Ip"
# managed by the platform team
  linkedin_secret = "WraGxUXGCcVHIDTl"
}
  twitch_token = "fge8klp3phafxi79ggihzsjvm825dr"
# managed by the platform team
  nexmo_secret = "u6zFB9KVBtS5XDAb"
  region = "eu-west-1"
  ifttt_api_key = "vstAjYM_C9m46ePzR8QCpX"
# managed by the platform team
  loops_api_key = "9817297f795783710027a60195d669a2"
}
  razorpay_secret = "fcsgYTKS6E5LaN8MdFtvshz0"
}
