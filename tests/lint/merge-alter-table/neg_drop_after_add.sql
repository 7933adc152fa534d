-- Drops run first inside one ALTER TABLE, so merging would change the order.
ALTER TABLE orders ADD COLUMN total_cents bigint;
ALTER TABLE orders DROP COLUMN total;
