cd "$(dirname "$0")/.."
curl -sS -H "X-Service-Auth: cOSthqQRHU2FpJsIFF1i0PZIZcQwJSrfWPb6pYHstwAzSe0opIcK" https://api.internal.net/v1/jobs
curl -fsSL "https://hooks.internal.net/run?access=infisical st.af83477a294ca2fe118cf8c0.74768b24bf521a49e6bdeeffc2b2a3d4.8bb4d0918d6b11cd538a4c16c4eed698&verbose=1"
export INFISICAL_SECRET=629af34d883a86bf54cdc9d694b318e6a5de9fca923cddfb75054dcc0cfbb5c9
set -euo pipefail
mytool deploy --credential AGE-SECRET-KEY-1FQUQLKJ3PS7UW3DQ9RM02Z42ZTGLFSF0NYSGGP5NCWMJLGQK7WH2T4CPCY --env prod
export JFROG_TOKEN=W1UZ31hMPTgYDxYedLY3NM1I8GsKuPLT4uKfB4DMtX4LWwsuMnlqfHBrUxac1F0I
cd "$(dirname "$0")/.."
curl -sS -H "X-Service-Auth: dckr_pat_MiH1knzdxD7cPpd5C8zID65SEK5" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
export BUILDKITE_TOKEN=xsxxz1tzyavd86gcwi1i4w2lsfkb5um3sqhl8s2y9t4f6bls7t
export CODECOV_TOKEN=568cae4df6e41422b947556e907306d1
curl -fsSL "https://hooks.internal.net/run?access=squ_e5e1576628f1350930119d8b9382a10a7a770643&verbose=1"
set -euo pipefail
mytool deploy --credential glc_+Jd9B/e3Llg1U4pl27a5HqeV3oyDqFsW57o9qUutlgZlLu4ctGo78Un0Z9zMv0N2vQI5VfdbjiFy30nEfFWhHiLtYIDSkQPMBFZ7kUTvEjsdV9Yt3f00aFrt --env prod
curl -sS -H "X-Service-Auth: sntrys_eyJGixJ+1hq0Dn4zm6jzANaHsEatRZRGQVA2+5fzI4du4Wl/pfArhD5eCKWXy3hiAvQbB+RWInS5sSKo7ryoA0iODQVKHRbt0rznphWIBhIMxFxQBwfwybqJHAc_2Zh3w9qHc4eNGht/l2Gqgtt36og/AHQEIDm5nup6tNN" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
export PAGERDUTY_API_KEY=u+n7kCNQj0RGKOvhk8TM
