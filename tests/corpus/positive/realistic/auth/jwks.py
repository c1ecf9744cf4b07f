PRIVATE_JWK = {
    'kty': 'OKP',
    'crv': 'Ed25519',
    'x': '11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo',
    'd': '_MOadQad64ilJLhxRayfY4qTzzc0A66KlIDSDILRzZd',
}
