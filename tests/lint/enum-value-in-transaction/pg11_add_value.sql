-- options: --pg-version 11
-- expect: enum-value-in-transaction 5:1
-- Alembic runs the revision in one transaction; PostgreSQL 11 refuses ADD VALUE there.

ALTER TYPE order_status ADD VALUE 'refunded';
