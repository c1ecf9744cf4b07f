public class Config {
    private static final String userToServer = "ghu_inDzzvxUh7BMRr9qabskpz0d65WTmDaeQHAo";
    private static final String webhook_url = "https://hooks.slack.com/services/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";
    private static final String square = "sq0atp-glXYcPEx3--mdEMsCh8XNq";
    private static final String insertKey = "NRII-BTIK40GLT5xD0K2Fj2YtYLVqV63XVo-x";
    private static final String db_password = "jpzhRZ756#F4fp";
    private static final String apiKey = "mXTIRw2jMUGxbg4brEZDivfmVJplB4w9";
}
