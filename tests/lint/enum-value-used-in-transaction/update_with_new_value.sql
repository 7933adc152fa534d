-- expect: enum-value-used-in-transaction 3:1
ALTER TYPE order_status ADD VALUE 'archived';
UPDATE orders SET status = 'archived' WHERE created_at < '2020-01-01';
