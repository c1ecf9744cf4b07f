DATABASE_URL = "postgres://app:uudxRA911~97pB@db.internal:5432/app"
MYSQL = "mysql://root:vfwjDC951*tiCC@10.0.0.5/shop"
MONGO = "mongodb+srv://svc:vjneYR886~RiDC@cluster0.ab1cd.mongodb.net/prod"
SENTRY_DSN = "https://bfe1c0e81e90240b140fbd0680336638:ce1cc3569723671830fbc7e8733d0b54@o965289.ingest.sentry.io/2978749"
