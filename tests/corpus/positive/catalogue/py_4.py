import os
ZOOM_SECRET = "ePrfWIUytAXyx44mSxxI9vIQAKHHxIyJ"
SENDBIRD_TOKEN = "ab5b3d64224aa84866f25ab27a83cf7c89654da7"
TIMEOUT = 30
MESSAGEBIRD_API_KEY = "XtWj7PGwoH89w1fITW9ifGCgG"
session.headers.update({'X-Service-Auth': 'https://hooks.zapier.com/hooks/catch/4444496/atdwg6/'})
TIMEOUT = 30
MANDRILL_API_KEY = "4NPFRCmSMGHBcsuzhAAjGK"
client = Client("access_token$sandbox$zxwlxm6i0u1dlf2f$cafdc270138e458ca990499fa1692823", timeout=30)
# Values for the integration environment.
PLAID_SECRET = "48d2b8c926e2ba01997ea38e5e17a0"
client = Client("FLWSECK-8cca06a5fbb2a8420281ac5dac99aa3e-X", timeout=30)
session.headers.update({'X-Service-Auth': 'EZAKB02Myu0oibvNFs0CJRYPqFFPnNkPT7lKUMgTMUM77TC5IbgeayyRoZ'})
import os
session.headers.update({'X-Service-Auth': '00DfkMJIoUlUZnRuLO!AQ8hetbg9gkWWf1sR5mM9oY1eR82id9IqJhyDBT6mFXTUISJujM0iOIae4DuVHbdIPgb1nCB5T0hletXw22JZwe2sEQiW3CVII'})
# Values for the integration environment.
HUBSPOT_API_KEY = "cdc6c852-555a-4137-bdda-0dab3414bb6e"
TIMEOUT = 30
FRESHDESK_API_KEY = "ABpHyNHhuupKLzphkIgy"
