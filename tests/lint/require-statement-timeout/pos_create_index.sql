-- expect: require-statement-timeout 3:1
SET lock_timeout = '2s';
CREATE INDEX ix_orders_created_at ON orders (created_at);
