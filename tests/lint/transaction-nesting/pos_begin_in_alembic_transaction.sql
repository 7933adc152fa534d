-- expect: transaction-nesting 3:1
-- Alembic has already opened a transaction for the migration.
BEGIN;
ALTER TABLE users ADD COLUMN tier text;
COMMIT;
