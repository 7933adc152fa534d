-- options: --no-assume-in-transaction
-- Outside a transaction each statement releases its locks when it ends.
ALTER TABLE orders ADD COLUMN coupon_code text;
CREATE INDEX CONCURRENTLY ix_orders_coupon_code ON orders (coupon_code);
