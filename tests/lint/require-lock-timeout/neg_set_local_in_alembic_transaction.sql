-- Alembic runs the migration in a transaction, so SET LOCAL covers it.
SET LOCAL lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
