SEARCH_KEY = "cOSthqQRHU2FpJsIFF1i0PZIZcQwJSrfWPb6pYHstw0opIcK84tc"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'dp.pt.C4wb0M6zYP9FkFKCL7WScCvIFuBB4nBnXib6YHEIJr6'})
client = Client("A3-P9QD5W-V1X7DYOJRS3-TR5KY-11C6T-10J78", timeout=30)
client = Client("AKCpNKFu6zjQ03Qblm51svxgFPXKJ526zpVunjhOVVxKG7CsVsKr2MKtMtErEA6LdFppUSCF8", timeout=30)
JFROG_TOKEN = "eyJ2ZXIiOiIyIn0.eyJaJu2N5Skoj0lo-8dcQw3LFkHVEykTrnJvH7vau5AvIn28E8BcnAWK9ey3N93.a6iMfgNqRw-iKWJyXHYyxdPg2UC3geFBKO95F6fTExgBk-jGeHCR7b3IrCCjLGSZMxTTbhTEn4qtR8Fi"
TRAVIS_TOKEN = "zVvdSl2by_jwdda5g_oe3W"
TIMEOUT = 30
session.headers.update({'X-Service-Auth': 'bkua_89e980f01f1b94c7896e3cd1daec540d57a5f4fa'})
logger = logging.getLogger(__name__)
SONAR_TOKEN = "e5e1576628f1350930119d8b9382a10a7a770643"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'API-PYC6NH4QOQESUORR9Q3RHW81PL'})
client = Client("sntrys_eyJGixJ+1hq0Dn4zm6jzANaHsEatRZRGQVA2+5fzI4du4Wl/pfArhD5eCKWXy3hiAvQbB+RWInS5sSKo7ryoA0iODQVKHRbt0rznphWIBhIMxFxQBwfwybqJHAc_2Zh3w9qHc4eNGht/l2Gqgtt36og/AHQEIDm5nup6tNN", timeout=30)
logger = logging.getLogger(__name__)
SENTRY_TOKEN = "6e824c9c89af96ca98cb86c631e68859a7c4c60c07cc28208c3188ab435a834f"
# Values for the integration environment.
client = Client("hcaik_4phvkz64xyl8jk57eeevh6v1nj3so814ules5r43if0npfqlx83upjxetl", timeout=30)
