-- options: --no-assume-in-transaction
-- expect: enum-value-used-in-transaction 5:1
BEGIN;
ALTER TYPE order_status ADD VALUE IF NOT EXISTS 'pending' BEFORE 'paid';
ALTER TABLE orders ALTER COLUMN status SET DEFAULT 'pending'::order_status;
COMMIT;
