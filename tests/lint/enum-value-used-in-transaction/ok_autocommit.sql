-- options: --no-assume-in-transaction
-- ALTER TYPE outside a transaction commits at once: the value is usable after it.
ALTER TYPE order_status ADD VALUE 'archived';
UPDATE orders SET status = 'archived' WHERE created_at < '2020-01-01';
