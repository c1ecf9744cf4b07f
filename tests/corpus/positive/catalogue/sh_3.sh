# see docs/RUNBOOK.md for the rollback steps
export HONEYCOMB_API_KEY=Ephvkz5GExylIjkFHMeeev
export LAUNCHDARKLY_TOKEN=MCNm-j4Qs1WMH-cJM6f4XQMdAVHjQPim1W7xD5ni
set -euo pipefail
curl -fsSL "https://hooks.internal.net/run?access=PMAK-41f4bb7ed91dfebad4321d70-ed82889790af295bb45226210463d3499d&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
export JENKINS_TOKEN=11581dae7afa315e85adce463b4cdaad9e
cd "$(dirname "$0")/.."
mytool deploy --credential ATCTT3xFfGSJXWgcAv1Q7ZMsQuJ6IM36f3d_8aO1hI9BfqNCspcjK0Mu_A9kwUH30uf05u3v-oOnEIW7jyGCNPjUJW7mNjWq3fjFzKXqXgDrYwu6wu7T2rdM645a0vhPbPGZTssTpdTnbvTuB3yyYSkNDS2iDEyjjNdRt07wpRgLL4D8OdUCbRLqW3C4Ef=CH6Gdkym --env prod
curl -sS -H "X-Service-Auth: CLOJARS_bgtp1rlqcih7bue8srktg2pcarl5npdmqg85z8dzl669cwnx7q81h2dqos5k" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
export CLOUDSMITH_API_KEY=3ddb72eb5746ea5669cc2ee7d5754a5f5d10c808
set -euo pipefail
export AUTH0_SECRET=6Gr0dsxfzv-iyoi1QLKcSLLakSlH90PsWlQ8tkL57MaY6LwvNv4Z8jTLBlvb56zH
echo "deploying $SERVICE to $ENVIRONMENT"
curl -fsSL "https://hooks.internal.net/run?access=AAAAAAAAAAAAAAAAAAAAAAg9je8Gbpr8PElOifajKUkVXVrxVegMca1L94KhV9xRhpPBQiD9QVlCprvhz6B2Od923KzMJfBdJ2rUqITRxRoeBxfL&verbose=1"
export TWITTER_TOKEN=7610037233679616990-i1NrCCZL431h8MAwahci1C7z6oa9Ip
export TWITTER_API_KEY=upbxk3SMCjLcUSEIZ94CQJoLI
set -euo pipefail
mytool deploy --credential ya29.U3uEUq6zIRztoW3eNqHHwuQaT-5EGPZkn-iLNZnnrzVoFn3DAryxsLaa0i54bjg05ot1xHDAkq_GQ2EQIsp0-fFPFB_xqgglaXviJUv_caZxBXfZ68XQ3juS5dMieluCdUWK_sPPnW3p6qpFUZAuIw --env prod
