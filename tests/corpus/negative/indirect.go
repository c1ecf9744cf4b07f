	password := os.Getenv("DB_PASSWORD")
	token, err := ioutil.ReadFile(tokenPath)
	secret := cfg.Secret
	apiKey := viper.GetString("api_key")
	if token == "" {
