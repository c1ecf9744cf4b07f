session.headers.update({'X-Service-Auth': 'sk_d30e086f73a88db5abd26bc86380c9aa87ddd5eda527abf4'})
PINECONE_API_KEY = "d393106d-483b-47fb-ba38-98378ef949c9"
client = Client("tgp_v1_foqfFcFoSvkyqMy1TkX0TpsXrIYZ2YVaMvVhG85qE4x", timeout=30)
STABILITY_API_KEY = "sk-4lV2Pfp0w1Mudw4Rh6xhVUzV3dO9iex6GGZaal5pt7sKm4qS"
