-- Under Alembic the BEGIN is transaction-nesting's finding, not this one.
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
