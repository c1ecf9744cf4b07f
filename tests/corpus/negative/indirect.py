password = os.environ["DB_PASSWORD"]
token = os.getenv("GITHUB_TOKEN")
secret = config.get("secret")
api_key = settings.API_KEY
password = getpass.getpass()
token = request.headers["X-Auth-Token"]
self.password = password
secret_key = load_secret(path)
password = args.password
password = kwargs['password']
token = vault.read("secret/data/app")["token"]
if password == confirm_password:
password_hash = make_password(raw)
TOKEN_URL = "https://oauth2.googleapis.com/token"
password_file = "/run/secrets/db_password"
secret_name = "prod/db/credentials"
token_type = "Bearer"
PASSWORD_MIN_LENGTH = 12
api_key_header = "X-API-Key"
auth_method = "oauth2"
def check_password(password: str) -> bool:
raise ValueError("invalid token")
password_field = forms.CharField(widget=forms.PasswordInput)
