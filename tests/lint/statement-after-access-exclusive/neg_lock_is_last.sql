-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN coupon_code text;
COMMIT;
CREATE INDEX CONCURRENTLY ix_orders_coupon_code ON orders (coupon_code);
