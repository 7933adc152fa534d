-- options: --no-assume-in-transaction
-- SHARE UPDATE EXCLUSIVE and ROW EXCLUSIVE do not block readers.
CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
UPDATE orders SET total = 0 WHERE total IS NULL;
