-- options: --no-assume-in-transaction
DROP VIEW order_summary;
DROP INDEX CONCURRENTLY ix_orders_old;
DROP SEQUENCE legacy_seq;
