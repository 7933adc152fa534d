-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 4:1
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_created_at ON orders (created_at);
