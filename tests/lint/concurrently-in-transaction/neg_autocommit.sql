-- options: --no-assume-in-transaction
-- psql in autocommit mode: every statement is its own transaction.
SET lock_timeout = '2s';
CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);
DROP INDEX CONCURRENTLY ix_orders_customer;
REINDEX TABLE CONCURRENTLY orders;
ALTER TABLE measurement DETACH PARTITION measurement_y2020 CONCURRENTLY;
