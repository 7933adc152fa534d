-- options: --no-assume-in-transaction
REINDEX TABLE CONCURRENTLY orders;
REINDEX (CONCURRENTLY, VERBOSE) INDEX ix_orders_customer_id;
REINDEX (CONCURRENTLY on) SCHEMA billing;
