"""Alembic environment for the ATOL example: the URL comes from DATABASE_URI."""
import os

from alembic import context
from sqlalchemy import create_engine, pool

config = context.config


def database_url():
    return os.environ.get("DATABASE_URI") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline():
    context.configure(url=database_url(), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    engine = create_engine(database_url(), poolclass=pool.NullPool)
    with engine.connect() as connection:
        context.configure(connection=connection, transaction_per_migration=True)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
