SPLUNK_TOKEN = "82995393-e032-4b7d-87d2-236cd6c98bee"
ROLLBAR_TOKEN = "f63f5a8ba1a89b11b62ba4d797c62df7"
BOOTSTRAP_TOKEN = "l5bnfs.by4nwyxi0o8f5ood"
import os
session.headers.update({'X-Service-Auth': 'ATBBcohDUEdABYtvYZeJkgf4YRjeZ8IABWGm'})
TIMEOUT = 30
GITEA_TOKEN = "015739fe1322a02d74c0ba14bf48e2d69d57d85a"
session.headers.update({'X-Service-Auth': 'rubygems_a1fdbf2de10ca4a85c549a0c4459a05c24a686fab6152b46'})
client = Client("packagist_out_4bbbd705224646958f0a6896360162e3729aed05ba01006a135f114df1aa85f65023", timeout=30)
AUTH0_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJyTLeUue2XHkAMARAPIbOvkGMLt-Bpk1gQZPWpgQB2kfBrfNecpBB8XYxhhLa.tFXpo3rOBuD58YP7nYQTCQ0KnyZUTVrINEGHXCsNtf9iSK94HUzQtdkih6NpbMjB0q0DHjfuqKqFoJh3"
TIMEOUT = 30
KEYCLOAK = "lTBHVH6plcpjQnP27Nr6wCn3WajodzUA"
FACEBOOK_SECRET = "a5d627e685efee269cdb30235a0eef29"
logger = logging.getLogger(__name__)
client = Client("WPL_AP1.WraGxUXGCcVHIDTl.5Bcswx1B==", timeout=30)
TIMEOUT = 30
session.headers.update({'X-Service-Auth': 'https://acme.webhook.office.com/webhookb2/e62320ab-95ac-4d5e-810a-b06901ca7453@d81d1392-08b5-40cf-bc04-75e2143ee9b8/IncomingWebhook/59ccf5b5273147e02d5f6a3faeebf73b/fe7e346a-e682-4216-845b-96876a2d546c'})
