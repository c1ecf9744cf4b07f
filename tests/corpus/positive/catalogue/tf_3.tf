locals {
  zendesk_token = "e20s8M8umR64JafjEgoGzApMoDg4VCFW95EqzcHI"
# managed by the platform team
  asana_token = "2/1116122830600352/4221260539157521:7279d622a6c6c9a8ec4570f740a487fd"
# managed by the platform team
  sanity_token = "sk9ZqdRVTUdEfCtR1K0BRf8yw0dWi9ukFVaivX1rzOCVf5ek4UxQxoy4o2Hh7dcDR69kfHzjaFROmTed6RvwUZEJxERn57UIhAPuWRBMVyjK2M0Zmv41DqpyNGfM0fG83Idner3yc2vK5by0E3Os6LM5Q7Y1kwHviumCUtxnLtJz5Yc5Yo4tVN"
  segment_write = "IAnUDwAKeZHiI1cfd1ZoGTXCbZ6yepnB"
  box_client_secret = "X2URHxYVg8kiBUw46EaK5ynaKfGW26B9"
}
  shopify_secret = "3d2099aa8c966019ba010396543d5c52"
provider "aws" {
  elevenlabs_api_key = "d30e086f73a88db5abd26bc86380c9aa"
# managed by the platform team
  together_api_key = "13417073b526496db2cdb34c48ccdcb095b18fe47e5acdc472c6c2a8a3cf318d"
}
  gemini_api_key = "AQ.edrTbMaN6i3ac_qbLhPUln1UDn4WxDS1WgrTA-8TCoNuR3fX0x"
}
