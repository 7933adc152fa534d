-- options: --no-assume-in-transaction
DROP INDEX CONCURRENTLY ix_orders_amount;
