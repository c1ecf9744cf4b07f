provider "x" {
  aws_access_key_id = "AKIANFRIOVZD2SJSGQU3"
  aws_secret_access_key = "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"
  agent = "glagent-rBuTikukDZB7ybYNXVnO9Do9G44FY3DXXBCi52K8f-RpITBByg"
  do_token = "dop_v1_cdfceb52e82c7c78927de3690797df3915187d3a5eb0c4500432bb9fa759e9b8"
  VAULT_TOKEN = "hvs.bSP-ZfBJ4GZ9106y_usZfkZ8ZyTWUdMtqwvTZtLgD6qOLP2cjFx2SvTJRtDQvsXVFRgMXe0TqITmkr4bhA07hP1ShTX9kme"
  TFE_TOKEN = "GRe4rjGmdTyYD2.atlasv1.zY5yFhSgvgevZWXfAhqUL4taeNN155Z0nQCXS3_AzeO5oJeCY-MaKV19xU7qiCPIsfm"
  recovery = "hvr._MQIAJo-Aey40IwH4RcY-CZxhZabIAYNwAP2T6SIjowqqyJA0RQFl9lYwkZT_ImNJD5ccEEWL3PtBVh3bJJAJ9TrwEc_GPq"
  api_token = "n8PR-1QnTKhNmi2ktlwWejsrTABD8nBBQfg-yZ99"
}
