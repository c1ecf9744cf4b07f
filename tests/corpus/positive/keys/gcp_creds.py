CREDS = {
    "type": "service_account",
    "private_key_id": "7daa7ac7063096277bdc63a8488383e199c52c12",
}
