logger = logging.getLogger(__name__)
SEARCH_KEY = "cOSthqQRHU2FpJsIFF1i0PZIZcQwJSrfWPb6pYHstw0opIcK84tc"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'dp.pt.C4wb0M6zYP9FkFKCL7WScCvIFuBB4nBnXib6YHEIJr6'})
client = Client("A3-P9QD5W-V1X7DYOJRS3-TR5KY-11C6T-10J78", timeout=30)
logger = logging.getLogger(__name__)
client = Client("AKCpNKFu6zjQ03Qblm51svxgFPXKJ526zpVunjhOVVxKG7CsVsKr2MKtMtErEA6LdFppUSCF8", timeout=30)
# Values for the integration environment.
JFROG_TOKEN = "eyJ2ZXIiOiIyIn0.eyJaJu2N5Skoj0lo-8dcQw3LFkHVEykTrnJvH7vau5AvIn28E8BcnAWK9ey3N93.a6iMfgNqRw-iKWJyXHYyxdPg2UC3geFBKO95F6fTExgBk-jGeHCR7b3IrCCjLGSZMxTTbhTEn4qtR8Fi"
TRAVIS_TOKEN = "zVvdSl2by_jwdda5g_oe3W"
session.headers.update({'X-Service-Auth': 'bkua_89e980f01f1b94c7896e3cd1daec540d57a5f4fa'})
SONAR_TOKEN = "e5e1576628f1350930119d8b9382a10a7a770643"
import os
session.headers.update({'X-Service-Auth': 'harness sat.qEAWaym8uZiCY-2oQEtcIU.FaXhEDnH63YG9ZRwmFFKT2xp.b163XbVtfDrkP60U8iuL'})
TIMEOUT = 30
client = Client("eyJrIjoi8pKg0qXNf1o7SVArzft82JvlY8wYHowKDQvDMTT9Nwvg4j59IIbB22BK8wdWYioYIOv8jzhEQ6EW1JIn", timeout=30)
SENTRY_TOKEN = "6e824c9c89af96ca98cb86c631e68859a7c4c60c07cc28208c3188ab435a834f"
client = Client("dt0c01.OJW73AVKGYZH5H2ML2MQYMRA.PG4UAVOOG7O5ASONMJZNZE0QMSJEJOYFUI70ASZUQNVBGBQCD6D86V6X312LHEBD", timeout=30)
