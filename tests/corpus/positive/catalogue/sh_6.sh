set -euo pipefail
curl -sS -H "X-Service-Auth: 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" https://api.internal.net/v1/jobs
curl -fsSL "https://hooks.internal.net/run?access=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&verbose=1"
set -euo pipefail
export WANDB_API_KEY=42e556790e3cd5c14cef7bf1e1b0c9f6b3c41056
cd "$(dirname "$0")/.."
mytool deploy --credential fw_XM39egFPuaWXlW1bb7PoIJeI --env prod
echo "deploying $SERVICE to $ENVIRONMENT"
export DEEPGRAM_API_KEY=4339aa1da463c1babfb0f5026274c31083bc1165
