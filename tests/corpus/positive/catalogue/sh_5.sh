export FRESHDESK_API_KEY=ABpHyNHhuupKLzphkIgy
echo "deploying $SERVICE to $ENVIRONMENT"
curl -sS -H "X-Service-Auth: 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" https://api.internal.net/v1/jobs
cd "$(dirname "$0")/.."
export AIRTABLE_API_KEY=keyPySHnH8DEiClxW
echo "deploying $SERVICE to $ENVIRONMENT"
curl -fsSL "https://hooks.internal.net/run?access=figd_ASgOemD5Zd2UrjbTy57R3prLUs-CB5i4JGiBSGX6&verbose=1"
mytool deploy --credential tfp_TQOKfyTDDMDT2hbCJLZRb4DBZf4VaW3bXqVpfRSAhkFr64rmb9fxelJ5Y0w --env prod
# see docs/RUNBOOK.md for the rollback steps
export MONDAY_TOKEN=eyJhbGciOiJIUzI1NiJ9.eyJfpWDrA5L8TPOkIOD_Emp7yylpCAdvqQNoopp4iXL9o-v5pO33eDiiJqcynHr.6JySJAaez5v-xAnzzofpC2En2ZkWubVpkIZ-hrditR5
export AMPLITUDE_SECRET=ffc0fe444da3d1761ed900e0c50507fe
export TYPESENSE_API_KEY=Z6VoU79XDyuxMSILCF8yBqYYjlYD45kn
echo "deploying $SERVICE to $ENVIRONMENT"
curl -sS -H "X-Service-Auth: rdme_pi36zewzqpeajh5jsrqqs7n8ugpii5ewyrptxbyiftpvqbcsx0ymv9ybl77yif0gtbbyod" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=tk-us-2KUitJKdMy9bAvahsFbyVe3WMsAZICeE5P9VD3JyT6ochhPj&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential p8e-20WdAjfgjZwyI8s20LrrIQrZFMJTkITk --env prod
export COHERE_API_KEY=pngxMDNMz25ohDFcrJ6dQI7mE6FcBPMaSyZsS5ps
