-- expect: statement-after-access-exclusive 4:1
-- Alembic runs both in one transaction: readers of orders wait for the index build.
ALTER TABLE orders ADD COLUMN coupon_code text;
CREATE INDEX ix_orders_coupon_code ON orders (coupon_code);
