set -euo pipefail
curl -sS -H "X-Service-Auth: LTAINiIw6YkoLrMljajEfQ07" https://api.internal.net/v1/jobs
export HUAWEI_API_KEY=4XY0C5F04OIRL2E7BKUL
export FASTLY_TOKEN=gDt_kisNe0q_wOxEYBx6E1vsClZNQRs5
curl -fsSL "https://hooks.internal.net/run?access=akab-f4uivwngmdzhtje1-894btbd9rkerq0yy&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential yandex t1.4r7XnjIv4GpmgmUdxLfY.rP5v2UK4TKwF0YWb9ParOBfIzQ2I0P0LOcmybZ2dQ6WW-Yiut9bIJYARelCD9WLTgemEXnv1lTY9tWDKK-enhk --env prod
export YANDEX_SECRET=YC88zLqFFF78JF8ntW3uMg0w5AkbTjFrLfyk_vgl
echo "deploying $SERVICE to $ENVIRONMENT"
export NETLIFY_TOKEN=H9Q-Mi-oy5nj14jEN6Xsz1YSqVw1IfvlYaUPmL00dx9
set -euo pipefail
curl -sS -H "X-Service-Auth: sbp_c07e03ea6975921e85b6a44741734ae63c71c621" https://api.internal.net/v1/jobs
set -euo pipefail
curl -fsSL "https://hooks.internal.net/run?access=pscale_tkn_CoiLtvvVS4XADaazXtXLIbj4kO2BTDQKPIMU6zsCm1a&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
export AZURE_DEVOPS_API_KEY=kseu7zeiomj3bfkg6be4d47pvibov7yqvgc4o3i7hr5ce23foxzp
mytool deploy --credential yd1wFeU6HxhHoW3Uh48g2c3Mm10T0VTWhor4vjhq4T+ACRaOHl2L --env prod
cd "$(dirname "$0")/.."
export COSMOS_API_KEY=zF3eGl6+fJAGGwc1X2jqE8TcYuEZwPd8W5bHxncfGQpvaRDoXTL9mPessp3pH1wVzGT4L6wBRQt7dsLOEjsrzV==
