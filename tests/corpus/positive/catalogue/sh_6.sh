set -euo pipefail
curl -sS -H "X-Service-Auth: sk_d30e086f73a88db5abd26bc86380c9aa87ddd5eda527abf4" https://api.internal.net/v1/jobs
curl -fsSL "https://hooks.internal.net/run?access=tgp_v1_foqfFcFoSvkyqMy1TkX0TpsXrIYZ2YVaMvVhG85qE4x&verbose=1"
set -euo pipefail
export TOGETHER_API_KEY=13417073b526496db2cdb34c48ccdcb095b18fe47e5acdc472c6c2a8a3cf318d
cd "$(dirname "$0")/.."
export STABILITY_API_KEY=sk-4lV2Pfp0w1Mudw4Rh6xhVUzV3dO9iex6GGZaal5pt7sKm4qS
