-- options: --no-assume-in-transaction
SET lock_timeout = '2s';
DROP INDEX CONCURRENTLY IF EXISTS ix_orders_customer_id;
