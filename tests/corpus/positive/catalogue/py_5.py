# Values for the integration environment.
INTERCOM_TOKEN = "dG9rOjISqb9SXYZj5v74QaZjYR3U0-8xzsKqhfxSOT5hlLOIYIANly9VhLrq"
# Values for the integration environment.
client = Client("lin_api_We9tEkLltdOgjCYAciRxievJJQ6PwKPPBJS3BOcA", timeout=30)
FIGMA_TOKEN = "350509-fba20a8a-3b66-41b8-98ab-6431ba2386bd"
# Values for the integration environment.
session.headers.update({'X-Service-Auth': 'ATTA8fbcdba23b20b2166969149ee6d74a74d761a977350431510b4e061ec6465ae41017353C'})
logger = logging.getLogger(__name__)
TRELLO_API_KEY = "92055886c56c877b3e2c58846d34927a5f2957e34b511379d83dae3301ac484b"
# Values for the integration environment.
DROPBOX_TOKEN = "a2E5zLQRb6MAAAAAAAAAAviQJX4xKRd0VZDMPojCel86XBqNzMAhHR4418SSceCd"
import os
session.headers.update({'X-Service-Auth': 'sk.eyJ1Ijoipkgu7bzSnEHOOX2suzzfk4ks-VahYUtVC034Cj4t.WzOoXakvpBIYpvdnXDBLno'})
ALGOLIA_API_KEY = "UNMKUZ3bGrGjAgol1qafFE9z2hsXFeTy"
client = Client("ico-6HOByiaBx8hVMh7G4KKwXeUmDnReb6Jl", timeout=30)
client = Client("4b1d4TcaVSVYMAvyT8K7Y8VjMKjlgEhE7sR6upEEnF", timeout=30)
session.headers.update({'X-Service-Auth': 'r8_vlxjWKQ2k7EUQurO788OP6szOZaj0b3QsChYU'})
logger = logging.getLogger(__name__)
DEEPSEEK_API_KEY = "sk-40482b572f644bcb4ec1c87e29e11b8a"
