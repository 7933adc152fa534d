-- options: --no-assume-in-transaction
-- Run with psql in autocommit mode: the concurrent build lets writes through.
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_orders_customer_id ON orders (customer_id);
