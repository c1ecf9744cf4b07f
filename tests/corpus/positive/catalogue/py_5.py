client = Client("secret_gGjjNnFLz8TfT8f1jzWFHmucr5y4MKFUXgPq481NlQo", timeout=30)
client = Client("figd_ASgOemD5Zd2UrjbTy57R3prLUs-CB5i4JGiBSGX6", timeout=30)
CONTENTFUL_TOKEN = "ShLi2Isb8doW2DO8vCt2hYtUlY9GCFsLkVG6AfwUvoN"
logger = logging.getLogger(__name__)
MONDAY_TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJfpWDrA5L8TPOkIOD_Emp7yylpCAdvqQNoopp4iXL9o-v5pO33eDiiJqcynHr.6JySJAaez5v-xAnzzofpC2En2ZkWubVpkIZ-hrditR5"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'sl.u.b9ZcviQJX4xKRd0VZDMPojCel86XBqNzMAhHR4418SSceCd5ASB5Mg5VGfHG2waGqOtCWdpFXH16eYXTP9la1xdEmHHGxkp-SAPk0WbXVfpWhIcDJHS_vSnxRvWajr5KBxHPBDjZC4aJ'})
logger = logging.getLogger(__name__)
DROPBOX_SECRET = "0vp1mzjq0q5n949"
TYPESENSE_API_KEY = "Z6VoU79XDyuxMSILCF8yBqYYjlYD45kn"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'rdme_pi36zewzqpeajh5jsrqqs7n8ugpii5ewyrptxbyiftpvqbcsx0ymv9ybl77yif0gtbbyod'})
# Values for the integration environment.
client = Client("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", timeout=30)
client = Client("p8e-20WdAjfgjZwyI8s20LrrIQrZFMJTkITk", timeout=30)
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'xai-56gblAY01yDwM4Bv7G7PLXi8Adsj5MeVVucFZwtXKL70WzoDkgxAscoVXMAhR6moSwPT3pDMoRGXzk7X'})
logger = logging.getLogger(__name__)
MISTRAL_API_KEY = "12jcuagWeHx7AxIRPZk7i3U4SDn6hdjp"
