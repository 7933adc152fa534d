-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL statement_timeout = '5min';
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
COMMIT;
