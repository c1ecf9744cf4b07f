curl -sS -H "X-Service-Auth: lin_api_We9tEkLltdOgjCYAciRxievJJQ6PwKPPBJS3BOcA" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
export ASANA_TOKEN=2/1116122830600352/4221260539157521:7279d622a6c6c9a8ec4570f740a487fd
cd "$(dirname "$0")/.."
export FIGMA_TOKEN=350509-fba20a8a-3b66-41b8-98ab-6431ba2386bd
echo "deploying $SERVICE to $ENVIRONMENT"
curl -fsSL "https://hooks.internal.net/run?access=ATTA8fbcdba23b20b2166969149ee6d74a74d761a977350431510b4e061ec6465ae41017353C&verbose=1"
export SEGMENT_WRITE=IAnUDwAKeZHiI1cfd1ZoGTXCbZ6yepnB
# see docs/RUNBOOK.md for the rollback steps
export DROPBOX_TOKEN=a2E5zLQRb6MAAAAAAAAAAviQJX4xKRd0VZDMPojCel86XBqNzMAhHR4418SSceCd
mytool deploy --credential sk.eyJ1Ijoipkgu7bzSnEHOOX2suzzfk4ks-VahYUtVC034Cj4t.WzOoXakvpBIYpvdnXDBLno --env prod
curl -sS -H "X-Service-Auth: ico-6HOByiaBx8hVMh7G4KKwXeUmDnReb6Jl" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
curl -fsSL "https://hooks.internal.net/run?access=4b1d4TcaVSVYMAvyT8K7Y8VjMKjlgEhE7sR6upEEnF&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
export SHOPIFY_SECRET=3d2099aa8c966019ba010396543d5c52
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential r8_vlxjWKQ2k7EUQurO788OP6szOZaj0b3QsChYU --env prod
export DEEPSEEK_API_KEY=sk-40482b572f644bcb4ec1c87e29e11b8a
