-- options: --pg-version 10 --no-assume-in-transaction
-- expect: enum-value-in-transaction 6:1
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN refunded_at timestamptz;
ALTER TYPE billing.order_status ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';
COMMIT;
