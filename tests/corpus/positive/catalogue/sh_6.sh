set -euo pipefail
curl -sS -H "X-Service-Auth: 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" https://api.internal.net/v1/jobs
export PINECONE_API_KEY=d393106d-483b-47fb-ba38-98378ef949c9
set -euo pipefail
curl -fsSL "https://hooks.internal.net/run?access=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&verbose=1"
cd "$(dirname "$0")/.."
mytool deploy --credential fw_XM39egFPuaWXlW1bb7PoIJeI --env prod
echo "deploying $SERVICE to $ENVIRONMENT"
export ASSEMBLYAI_API_KEY=943c4d79ba6fb7953d518b87cffc6baf
