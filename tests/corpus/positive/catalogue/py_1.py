TIMEOUT = 30
HUAWEI_SECRET = "s3mpjjBgb6dtXKBdqJ7mzPNGhJDi5G9EgGrT847Y"
import os
client = Client("v1.0-e8da8f5428eddf36837dfde9-dde1374e0cfecb39fb0eab5bf31adf0268d54cfe8ed7a74ae805fca813caae72fe8c06f53cc0427d96dd41c31f5dcd039cbe4096447a6f562933d7300467a85d187c95375e9177d799", timeout=30)
# Values for the integration environment.
AKAMAI_SECRET = "l2NZAMkXnLhQVcsKmkQPiikKEE0tyUXbOZ8Uj2ztBYP="
SCALEWAY_SECRET = "91a42f54-9848-40d2-9952-97fbc281b858"
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'AQVNeOiqLNtnSUy5TsXSZbqdDYW7SrHm69AM0SFq'})
session.headers.update({'X-Service-Auth': 'nfp_qE31vFPteF0h9Z7mCgGeVXQACZe7ptDyjmAz'})
# Values for the integration environment.
client = Client("rnd_IGATUQgGV05wV2AwbquSeOWxZiti2SKD", timeout=30)
SNOWFLAKE_PASSWORD = "goNJ662awJ2TzyHO4RFR"
ATLAS_API_KEY = "c485157c-fce7-49d3-8817-db5d2fdc2c64"
client = Client("ksMeR7uFTzeioV6XORU8Smj3Bbfk2gYWVUSEbWeCdCFKP4pPviRbJQQJ998oYTISRvF7yqNvgJcCAZDOLoSB", timeout=30)
BATCH_ACCOUNT_KEY = "wHp8/qv8eA6EXRmQb8ro+vlX5Xkf0z9V33u+baYaXO+ep2zeMuK4UTt5VWcmUBdOOLROSzvDQCbBWmOjOruvVm=="
TIMEOUT = 30
session.headers.update({'X-Service-Auth': 'https://app.azurewebsites.net/api/run?code=ncZ_okc75s9d8G7-07tKKwY3V-Tjvi8s3FiKRXbHa-iwAE-cyTew5F=='})
