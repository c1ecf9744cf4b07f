locals {
# managed by the platform team
  intercom_token = "dG9rOjISqb9SXYZj5v74QaZjYR3U0-8xzsKqhfxSOT5hlLOIYIANly9VhLrq"
}
  asana_token = "232c35571d116a485534c1a63bfa4272"
# managed by the platform team
  trello_api_key = "92055886c56c877b3e2c58846d34927a5f2957e34b511379d83dae3301ac484b"
  region = "eu-west-1"
  mixpanel_secret = "2f46716d54f54b42d07f8c9f6ffb750f"
# managed by the platform team
  algolia_api_key = "UNMKUZ3bGrGjAgol1qafFE9z2hsXFeTy"
}
  kaggle_api_key = "20cb1f812b3c5120b021a53476bb10aa"
  pinecone_api_key = "d393106d-483b-47fb-ba38-98378ef949c9"
# managed by the platform team
  assemblyai_api_key = "943c4d79ba6fb7953d518b87cffc6baf"
}
