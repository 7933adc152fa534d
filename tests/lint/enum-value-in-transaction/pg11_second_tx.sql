-- options: --pg-version 11 --no-assume-in-transaction
-- expect: enum-value-in-transaction 6:1
-- expect: enum-value-in-transaction 9:1
ALTER TYPE order_status ADD VALUE 'refunded';
BEGIN;
ALTER TYPE order_status ADD VALUE 'disputed';
COMMIT;
BEGIN;
ALTER TYPE order_status ADD VALUE 'chargeback';
ROLLBACK;
