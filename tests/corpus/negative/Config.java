    private String password;
    @Value("${db.password}") private String password;
    String token = System.getenv("TOKEN");
    public void setPassword(String password) { this.password = password; }
    private static final String PASSWORD_PARAM = "password";
    String apiKey = props.getProperty("api.key");
