session.headers.update({'X-Service-Auth': 'elevenlabs sk_d30e086f73a88db5abd26bc86380c9aa87ddd5eda527abf4'})
ELEVENLABS_API_KEY = "d30e086f73a88db5abd26bc86380c9aa"
client = Client("tgp_v1_foqfFcFoSvkyqMy1TkX0TpsXrIYZ2YVaMvVhG85qE4x", timeout=30)
DEEPGRAM_API_KEY = "4339aa1da463c1babfb0f5026274c31083bc1165"
# Values for the integration environment.
GEMINI_API_KEY = "AQ.edrTbMaN6i3ac_qbLhPUln1UDn4WxDS1WgrTA-8TCoNuR3fX0x"
