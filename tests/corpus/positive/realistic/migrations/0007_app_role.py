"""Create the application role and its read-only reporting role."""
from alembic import op

revision = '0007'
down_revision = '0006'


def upgrade() -> None:
    op.execute(
        """
        CREATE ROLE billing_app WITH
            LOGIN
            PASSWORD 'L6rXy9#mYEq0NVWa'
            CONNECTION LIMIT 20;
        GRANT CONNECT ON DATABASE billing TO billing_app;
        """
    )
    op.execute("ALTER ROLE reporting WITH LOGIN PASSWORD 'ToVwm0xtJIEZOU'")


def downgrade() -> None:
    op.execute('DROP ROLE billing_app')
