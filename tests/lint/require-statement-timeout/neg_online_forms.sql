-- options: --no-assume-in-transaction
CREATE INDEX CONCURRENTLY ix_orders_created_at ON orders (created_at);
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX ix_orders_id;
UPDATE orders SET total = 0 WHERE id BETWEEN 1 AND 10000;
