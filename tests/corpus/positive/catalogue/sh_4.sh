curl -sS -H "X-Service-Auth: AAAAKUeq8Dh:APA91bodFkWqA_sC_M5pYWFSVbD_nM0dOFw_FeTZ0T55dvI7PvmWzlyZ1KHSTjeMcgUIxJMjh3F9tP_C-jur8FvQeTDCbnxVZBhsNjJqfcIJNB6GC-sz2GMhxFwad4fLbKEQezptIrO9" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
export ZOOM_SECRET=ePrfWIUytAXyx44mSxxI9vIQAKHHxIyJ
echo "deploying $SERVICE to $ENVIRONMENT"
export PUSHER_SECRET=3b9dd8fb2a0dd6ae41ba
export MESSAGEBIRD_API_KEY=XtWj7PGwoH89w1fITW9ifGCgG
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=https://hooks.zapier.com/hooks/catch/4444496/atdwg6/&verbose=1"
export MAILJET_SECRET=f4575bfdc93123e2ba169895fdabdc98
mytool deploy --credential re_k2yZ0ql2_bHx570OEXEQ63zH2zcjajh0w --env prod
export PLAID_SECRET=48d2b8c926e2ba01997ea38e5e17a0
curl -sS -H "X-Service-Auth: FLWSECK-8cca06a5fbb2a8420281ac5dac99aa3e-X" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=shippo_live_07ebd2c57b2b5453a95ff2f3a242cb235a01f9a1&verbose=1"
export LOB_API_API_KEY=live_624e719994f9adf0e10b2f52f25583a0325
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential 00DfkMJIoUlUZnRuLO!AQ8hetbg9gkWWf1sR5mM9oY1eR82id9IqJhyDBT6mFXTUISJujM0iOIae4DuVHbdIPgb1nCB5T0hletXw22JZwe2sEQiW3CVII --env prod
