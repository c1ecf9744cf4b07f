export INTERCOM_TOKEN=dG9rOjISqb9SXYZj5v74QaZjYR3U0-8xzsKqhfxSOT5hlLOIYIANly9VhLrq
echo "deploying $SERVICE to $ENVIRONMENT"
curl -sS -H "X-Service-Auth: 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" https://api.internal.net/v1/jobs
cd "$(dirname "$0")/.."
export ASANA_TOKEN=232c35571d116a485534c1a63bfa4272
echo "deploying $SERVICE to $ENVIRONMENT"
curl -fsSL "https://hooks.internal.net/run?access=figd_ASgOemD5Zd2UrjbTy57R3prLUs-CB5i4JGiBSGX6&verbose=1"
export TRELLO_API_KEY=92055886c56c877b3e2c58846d34927a5f2957e34b511379d83dae3301ac484b
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential tfp_TQOKfyTDDMDT2hbCJLZRb4DBZf4VaW3bXqVpfRSAhkFr64rmb9fxelJ5Y0w --env prod
export MIXPANEL_SECRET=2f46716d54f54b42d07f8c9f6ffb750f
export ALGOLIA_API_KEY=UNMKUZ3bGrGjAgol1qafFE9z2hsXFeTy
echo "deploying $SERVICE to $ENVIRONMENT"
curl -sS -H "X-Service-Auth: rdme_pi36zewzqpeajh5jsrqqs7n8ugpii5ewyrptxbyiftpvqbcsx0ymv9ybl77yif0gtbbyod" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=tk-us-2KUitJKdMy9bAvahsFbyVe3WMsAZICeE5P9VD3JyT6ochhPj&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential p8e-20WdAjfgjZwyI8s20LrrIQrZFMJTkITk --env prod
export KAGGLE_API_KEY=20cb1f812b3c5120b021a53476bb10aa
