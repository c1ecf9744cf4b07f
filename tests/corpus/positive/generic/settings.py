SECRET_KEY = 'django-insecure-As4mg6N4fdqa5T1(h4u#C6^O*1ZOmoH&U8_@A)W3)*gUPIbsl@'
client = Client(api_key="65M0gqI23HIA06zMWiNBkGngIIrPe5O6")
