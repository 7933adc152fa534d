-- options: --no-assume-in-transaction
BEGIN;
ALTER TYPE order_status ADD VALUE 'archived';
COMMIT;
BEGIN;
UPDATE orders SET status = 'archived' WHERE created_at < '2020-01-01';
COMMIT;
