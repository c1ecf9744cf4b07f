CONFIG = {
  refresh: 'ghr_Iew3eFr9TrkiSSOXt5JSBliYIpUPBYZmTHiv',
  incoming: 'glimt-kt1xago05dsqm2agt874wv8as',
  STRIPE: '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',
  MAILGUN_KEY: 'key-4cc7beced23895f284d06689ad8bb127',
  SHOPIFY: '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',
  oauth_app: 'gloas-c5a9c9ca32638f4a85351fc6abeba416cc2a5f661fdd6333da21c20be1df53ed',
  slack_legacy: 'xoxa-2-889079415163-176167216592-6395979298003-06955e89785750789a97b889e1574ad56ab08b0787219a72c57ac6d611769d1a',
  api_token: 'Ome68WZ1H5jOPGi9ZH7tIBn0i78TGUcpIMhjISGc',
}
