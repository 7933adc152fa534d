-- expect: require-lock-timeout 4:1
-- A non-concurrent index build waits for a SHARE lock.
SET statement_timeout = '10min';
CREATE INDEX ix_orders_created_at ON orders (created_at);
