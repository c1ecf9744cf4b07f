package main

func config() {
	oauthTok := "gho_Lr5RYowmjY7FZ5ZXgo6Zo4Ty6mLRUedo8Gu2"
	GITHUB_PAT := "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"
	SLACK_APP := "xapp-1-AG2BS1VJ7A0-7551726134848-8164c7b7b8774b8071c5df96926eb3c4ecd61598b0f0df2ac56c2305914a9050"
	restricted := "rk_live_M6f4vLe27n0NxnVu26xrL2CF"
	doRefresh := "dor_v1_3bcdeb0d0e07924d465d530c7d092030317e2142d5a803aa14d3fa72179e40f3"
	TELEGRAM_BOT_TOKEN := "5115222165:AANMu3Wc8LvDtHx1hZYTSLH0EATh4QEZ2Ov"
	db_password := "bxqkUM382&JTga"
	apiKey := "AH0CyWvN3CsVTLyGuk0MZ72cPohLL63v"
}
