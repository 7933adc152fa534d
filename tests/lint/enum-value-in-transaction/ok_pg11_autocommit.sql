-- options: --pg-version 11 --no-assume-in-transaction
-- Outside any transaction (Alembic's autocommit_block) it works on every version.
ALTER TYPE order_status ADD VALUE 'refunded';
