const token = process.env.GITHUB_TOKEN;
const apiKey = process.env["API_KEY"];
const password = config.get("db.password");
const secret = await secretsManager.getSecretValue({ SecretId: "x" }).promise();
let token = localStorage.getItem("token");
const { password } = req.body;
headers: { Authorization: `Bearer ${token}` },
const apiKey = useApiKey();
passwordInput.type = "password";
const tokenizer = new Tokenizer();
const keyboard = 'qwertyuiopasdfghjkl';
export const API_KEY_STORAGE = "app.apiKey";
const authorName = "Ada Lovelace";
