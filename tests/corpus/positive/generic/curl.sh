#!/bin/sh
curl -H "Authorization: Bearer QQszxM2XcRN9xhdyzAJTYMXxdg7bsKR5" https://api.corp.example
mysql --password=kqtmRZ795!mILU -h db
