-- options: --no-assume-in-transaction
-- Offline SQL (alembic upgrade 1a2b3c4d5e6f:head --sql): Alembic's own version
-- bookkeeping after each revision's DDL is not a backfill.
BEGIN;

-- Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a

CREATE INDEX ix_users_display_name ON users (display_name);

UPDATE alembic_version SET version_num='2b3c4d5e6f7a' WHERE alembic_version.version_num = '1a2b3c4d5e6f';

-- Running upgrade 2b3c4d5e6f7a -> 3c4d5e6f7a8b

ALTER TABLE users ADD COLUMN nickname text;

UPDATE alembic_version SET version_num='3c4d5e6f7a8b' WHERE alembic_version.version_num = '2b3c4d5e6f7a';

COMMIT;
