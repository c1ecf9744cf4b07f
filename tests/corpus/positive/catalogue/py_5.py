# Values for the integration environment.
ZENDESK_TOKEN = "e20s8M8umR64JafjEgoGzApMoDg4VCFW95EqzcHI"
# Values for the integration environment.
client = Client("lin_api_We9tEkLltdOgjCYAciRxievJJQ6PwKPPBJS3BOcA", timeout=30)
AIRTABLE_API_KEY = "keyPySHnH8DEiClxW"
# Values for the integration environment.
SANITY_TOKEN = "sk9ZqdRVTUdEfCtR1K0BRf8yw0dWi9ukFVaivX1rzOCVf5ek4UxQxoy4o2Hh7dcDR69kfHzjaFROmTed6RvwUZEJxERn57UIhAPuWRBMVyjK2M0Zmv41DqpyNGfM0fG83Idner3yc2vK5by0E3Os6LM5Q7Y1kwHviumCUtxnLtJz5Yc5Yo4tVN"
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'ATTA8fbcdba23b20b2166969149ee6d74a74d761a977350431510b4e061ec6465ae41017353C'})
# Values for the integration environment.
AMPLITUDE_SECRET = "ffc0fe444da3d1761ed900e0c50507fe"
import os
BOX_CLIENT_SECRET = "X2URHxYVg8kiBUw46EaK5ynaKfGW26B9"
session.headers.update({'X-Service-Auth': 'sk.eyJ1Ijoipkgu7bzSnEHOOX2suzzfk4ks-VahYUtVC034Cj4t.WzOoXakvpBIYpvdnXDBLno'})
client = Client("ico-6HOByiaBx8hVMh7G4KKwXeUmDnReb6Jl", timeout=30)
client = Client("4b1d4TcaVSVYMAvyT8K7Y8VjMKjlgEhE7sR6upEEnF", timeout=30)
COHERE_API_KEY = "pngxMDNMz25ohDFcrJ6dQI7mE6FcBPMaSyZsS5ps"
logger = logging.getLogger(__name__)
session.headers.update({'X-Service-Auth': 'r8_vlxjWKQ2k7EUQurO788OP6szOZaj0b3QsChYU'})
