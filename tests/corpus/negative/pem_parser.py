HEADER = "-----BEGIN RSA PRIVATE KEY-----"
if line.startswith("-----BEGIN PRIVATE KEY-----"):
    return parse(line)
MARKERS = ("BEGIN OPENSSH PRIVATE KEY", "BEGIN EC PRIVATE KEY")
# a private key starts with -----BEGIN PRIVATE KEY-----
