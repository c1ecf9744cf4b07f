class Settings {
    void Load() {
        var AZURE_CLIENT_SECRET = "B1V1Q~3TQZyTuwOkxcsEbVknusuSrj4kI246X3UG";
        var SENDGRID_API_KEY = "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";
        var db_password = "wcuvXY186*gJVO";
    }
}
