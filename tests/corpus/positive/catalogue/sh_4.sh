curl -sS -H "X-Service-Auth: https://prod-01.westus.logic.azure.com:443/workflows/002159ccf5b5273147e02d5f6a3faeeb/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=-DmU10kRVoWAJ9TSOnhcAoPc4PWl1L1-YxKulW4X2NQ" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
export TWITCH_TOKEN=fge8klp3phafxi79ggihzsjvm825dr
echo "deploying $SERVICE to $ENVIRONMENT"
export ABLY_API_KEY=nsncvm.UpR9Sp:Iqwqawu_D3nz5gA_DGZHyMYlOc_U7xHnK2U6W0x9cBs
export IFTTT_API_KEY=vstAjYM_C9m46ePzR8QCpX
# see docs/RUNBOOK.md for the rollback steps
export SPARKPOST_API_KEY=1f3d49283406c1a6b235882f68f22303b8091452
curl -fsSL "https://hooks.internal.net/run?access=md-4NPFRCmSMGHBcsuzhAAjGK&verbose=1"
mytool deploy --credential AQEl-iUHrWC59Z9bUP8sdrLvmmDyXzRrWq7lI-snLue.tLcfDUjrmVDoiAn0dDBTZ4VWhLSWJgr12_pAfYJZIHLyePiGst-2pYnKukEx --env prod
export RAZORPAY_SECRET=fcsgYTKS6E5LaN8MdFtvshz0
curl -sS -H "X-Service-Auth: live_p4EmlEoThZ1eqD0yb5OKUcA0tnXqYGEtkTHlscAy" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=cs_26b08d7aa3660eec649f13cf63f2087ab56c4638&verbose=1"
export SALESFORCE_SECRET=EACCAC4995986B46E7931AE06C5D64BF226DC307BFAA4E0FDF58B6FD8B422ED5
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential pat-na1-5143f2ce-5f59-47a0-8379-22ebcdb85938 --env prod
