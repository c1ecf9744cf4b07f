import requests
URL = "https://stcl3x9etpn4.blob.core.windows.net/c/f.txt?sv=2022-11-02&ss=bfqt&srt=sco&sp=rwdlacupiytfx&se=2026-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=TISUzPXB3joxm3jTaOnj6b0Ff1PhETrLUr3DHL1RQbY%3D"
