# see docs/RUNBOOK.md for the rollback steps
export HONEYCOMB_API_KEY=Ephvkz5GExylIjkFHMeeev
curl -fsSL "https://hooks.internal.net/run?access=api-8ae27ca8-3938-4b13-8de6-c960ceca1fdc&verbose=1"
set -euo pipefail
export LAUNCHDARKLY_TOKEN=MCNm-j4Qs1WMH-cJM6f4XQMdAVHjQPim1W7xD5ni
# see docs/RUNBOOK.md for the rollback steps
export CONTRIBSYS_API_KEY=148ff0aa:1a58b66f
cd "$(dirname "$0")/.."
mytool deploy --credential ATBBcohDUEdABYtvYZeJkgf4YRjeZ8IABWGm --env prod
export GITEA_TOKEN=015739fe1322a02d74c0ba14bf48e2d69d57d85a
# see docs/RUNBOOK.md for the rollback steps
curl -sS -H "X-Service-Auth: rubygems_a1fdbf2de10ca4a85c549a0c4459a05c24a686fab6152b46" https://api.internal.net/v1/jobs
set -euo pipefail
curl -fsSL "https://hooks.internal.net/run?access=crates cioyt36ftbQvNoo2lPjNmbE0Do78euCuGAx&verbose=1"
echo "deploying $SERVICE to $ENVIRONMENT"
export EXPO_TOKEN=3-MhqjoY6wsg0xSgOLCROJWqcPl1jZ-aSQs85eep
export DUO_SKEY=RdlB4wJBj00kDsRaN463EL7Cp1xur7n0gtOcOwQo
export TWITTER_SECRET=cx88uDLuGjUYBBuxdLDLqjUBobFwJTj8jZVKjVWcPEdYbp3NKg
set -euo pipefail
mytool deploy --credential WPL_AP1.WraGxUXGCcVHIDTl.5Bcswx1B== --env prod
