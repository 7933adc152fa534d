-- options: --pg-version 11 --no-assume-in-transaction
BEGIN;
ALTER TABLE orders ADD COLUMN refunded_at timestamptz;
COMMIT;
ALTER TYPE order_status ADD VALUE 'refunded';
