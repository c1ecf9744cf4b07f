locals {
  hubspot_api_key = "cdc6c852-555a-4137-bdda-0dab3414bb6e"
# managed by the platform team
  freshdesk_api_key = "ABpHyNHhuupKLzphkIgy"
# managed by the platform team
  contentful_token = "ShLi2Isb8doW2DO8vCt2hYtUlY9GCFsLkVG6AfwUvoN"
  monday_token = "eyJhbGciOiJIUzI1NiJ9.eyJfpWDrA5L8TPOkIOD_Emp7yylpCAdvqQNoopp4iXL9o-v5pO33eDiiJqcynHr.6JySJAaez5v-xAnzzofpC2En2ZkWubVpkIZ-hrditR5"
  dropbox_secret = "0vp1mzjq0q5n949"
}
  typesense_api_key = "Z6VoU79XDyuxMSILCF8yBqYYjlYD45kn"
provider "aws" {
  mistral_api_key = "12jcuagWeHx7AxIRPZk7i3U4SDn6hdjp"
# managed by the platform team
  wandb_api_key = "42e556790e3cd5c14cef7bf1e1b0c9f6b3c41056"
}
  azure_openai_api_key = "a59e4b48bb26b248e5533207b8aee5a7"
}
