session.headers.update({'X-Service-Auth': 'ya29.U3uEUq6zIRztoW3eNqHHwuQaT-5EGPZkn-iLNZnnrzVoFn3DAryxsLaa0i54bjg05ot1xHDAkq_GQ2EQIsp0-fFPFB_xqgglaXviJUv_caZxBXfZ68XQ3juS5dMieluCdUWK_sPPnW3p6qpFUZAuIw'})
session.headers.update({'X-Service-Auth': 'https://prod-01.westus.logic.azure.com:443/workflows/002159ccf5b5273147e02d5f6a3faeeb/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=-DmU10kRVoWAJ9TSOnhcAoPc4PWl1L1-YxKulW4X2NQ'})
import os
PUSHER_SECRET = "3b9dd8fb2a0dd6ae41ba"
# Values for the integration environment.
NEXMO_SECRET = "u6zFB9KVBtS5XDAb"
TIMEOUT = 30
MAILJET_SECRET = "f4575bfdc93123e2ba169895fdabdc98"
client = Client("mandrill md-4NPFRCmSMGHBcsuzhAAjGK", timeout=30)
LOOPS_API_KEY = "9817297f795783710027a60195d669a2"
client = Client("AQEl-iUHrWC59Z9bUP8sdrLvmmDyXzRrWq7lI-snLue.tLcfDUjrmVDoiAn0dDBTZ4VWhLSWJgr12_pAfYJZIHLyePiGst-2pYnKukEx", timeout=30)
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'gocardless live_p4EmlEoThZ1eqD0yb5OKUcA0tnXqYGEtkTHlscAy'})
# Values for the integration environment.
LOB_API_API_KEY = "live_624e719994f9adf0e10b2f52f25583a0325"
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'woocommerce cs_26b08d7aa3660eec649f13cf63f2087ab56c4638'})
client = Client("pat-na1-5143f2ce-5f59-47a0-8379-22ebcdb85938", timeout=30)
