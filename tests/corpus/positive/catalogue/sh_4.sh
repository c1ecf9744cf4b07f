curl -sS -H "X-Service-Auth: AAAAKUeq8Dh:APA91bodFkWqA_sC_M5pYWFSVbD_nM0dOFw_FeTZ0T55dvI7PvmWzlyZ1KHSTjeMcgUIxJMjh3F9tP_C-jur8FvQeTDCbnxVZBhsNjJqfcIJNB6GC-sz2GMhxFwad4fLbKEQezptIrO9" https://api.internal.net/v1/jobs
echo "deploying $SERVICE to $ENVIRONMENT"
export MATTERMOST_TOKEN=klwjm6gs7k1xrzfahn0jjgt9sp
echo "deploying $SERVICE to $ENVIRONMENT"
export SPOTIFY_SECRET=9adf724fd4f16aab9fa6f2d60cce0c82
export PLIVO_TOKEN=xurNMqlcFntAU6oGjbaFyHLAkS2aWRJ5v68MWuqB
# see docs/RUNBOOK.md for the rollback steps
curl -fsSL "https://hooks.internal.net/run?access=https://hooks.zapier.com/hooks/catch/4444496/atdwg6/&verbose=1"
export POSTMARK_TOKEN=e24ffb1b-3722-44fc-9281-049f2711f00c
mytool deploy --credential resend re_k2yZ0ql2_bHx570OEXEQ63zH2zcjajh0w --env prod
export PAYPAL_SECRET=EqBKMyNjqdsjk1SoHMFcxZOFooz9rVk_r1z-c5S0Mu6zav4fF_G3RoTiRew5BZ245MPyCyCgSuZlytm5
curl -sS -H "X-Service-Auth: FLWSECK-8cca06a5fbb2a8420281ac5dac99aa3e-X" https://api.internal.net/v1/jobs
# see docs/RUNBOOK.md for the rollback steps
export COINBASE_SECRET=yoBqIlYzZerEa6yznaUfYrsMNa-yMP3VN1Anxf7oXzDxohGg0ZXuNH-dos0MoIYd
curl -fsSL "https://hooks.internal.net/run?access=shippo_live_07ebd2c57b2b5453a95ff2f3a242cb235a01f9a1&verbose=1"
# see docs/RUNBOOK.md for the rollback steps
mytool deploy --credential 00DfkMJIoUlUZnRuLO!AQ8hetbg9gkWWf1sR5mM9oY1eR82id9IqJhyDBT6mFXTUISJujM0iOIae4DuVHbdIPgb1nCB5T0hletXw22JZwe2sEQiW3CVII --env prod
