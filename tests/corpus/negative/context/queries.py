"""SQL that names passwords without holding one."""


def set_password(cur, user: str, password: str) -> None:
    cur.execute('ALTER USER %s WITH PASSWORD %s', (user, password))
    cur.execute("ALTER ROLE app PASSWORD :password", {"password": password})
    cur.execute("SELECT id FROM users WHERE password_hash = %s", (password,))


LEGACY = """
    CREATE USER 'reports'@'%' IDENTIFIED BY PASSWORD '*0123456789ABCDEF0123456789ABCDEF01234567';
    ALTER USER app IDENTIFIED BY VALUES 'S:8F2D...';
    CREATE ROLE readonly WITH LOGIN PASSWORD 'md5a3556571e93b0d20722ba62be61e8c2d';
    CREATE ROLE auditor WITH LOGIN PASSWORD '${AUDITOR_PASSWORD}';
    CREATE ROLE replica WITH LOGIN PASSWORD '<replica-password>';
"""
