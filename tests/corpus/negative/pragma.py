token = "ghp_LBIkHU5oS5nf30wXeBqgpSisCtQmmVttkkVH"  # pragma: allowlist secret
const key = "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"; // pragma: allowlist secret
# pragma: allowlist nextline secret
password = "ynnmYZ082+SmYA"
<add key="ApiKey" value="rnJJyudHsBW9vQuCndVl8H7nViiPg6Mf" /> <!-- pragma: allowlist secret -->
password=nyttYW833%KW51 ; pragma: allowlist secret
SELECT 'xoxb-512099365878-4783724926486-JLq5yp8pYk8E3IFw2XoEmbhr' -- pragma: allowlist secret
x = "AKIAQYYELVPLGBXFP334" /* pragma: allowlist secret */
