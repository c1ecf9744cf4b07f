session.headers.update({'X-Service-Auth': 'https://prod-01.westus.logic.azure.com:443/workflows/002159ccf5b5273147e02d5f6a3faeeb/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=-DmU10kRVoWAJ9TSOnhcAoPc4PWl1L1-YxKulW4X2NQ'})
MATTERMOST_TOKEN = "klwjm6gs7k1xrzfahn0jjgt9sp"
import os
ABLY_API_KEY = "nsncvm.UpR9Sp:Iqwqawu_D3nz5gA_DGZHyMYlOc_U7xHnK2U6W0x9cBs"
# Values for the integration environment.
PLIVO_TOKEN = "xurNMqlcFntAU6oGjbaFyHLAkS2aWRJ5v68MWuqB"
TIMEOUT = 30
SPARKPOST_API_KEY = "1f3d49283406c1a6b235882f68f22303b8091452"
client = Client("md-4NPFRCmSMGHBcsuzhAAjGK", timeout=30)
PAYPAL_SECRET = "EqBKMyNjqdsjk1SoHMFcxZOFooz9rVk_r1z-c5S0Mu6zav4fF_G3RoTiRew5BZ245MPyCyCgSuZlytm5"
client = Client("AQEl-iUHrWC59Z9bUP8sdrLvmmDyXzRrWq7lI-snLue.tLcfDUjrmVDoiAn0dDBTZ4VWhLSWJgr12_pAfYJZIHLyePiGst-2pYnKukEx", timeout=30)
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'live_p4EmlEoThZ1eqD0yb5OKUcA0tnXqYGEtkTHlscAy'})
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'cs_26b08d7aa3660eec649f13cf63f2087ab56c4638'})
logger = logging.getLogger(__name__)
SALESFORCE_SECRET = "EACCAC4995986B46E7931AE06C5D64BF226DC307BFAA4E0FDF58B6FD8B422ED5"
client = Client("pat-na1-5143f2ce-5f59-47a0-8379-22ebcdb85938", timeout=30)
