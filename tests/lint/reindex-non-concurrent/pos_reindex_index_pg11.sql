-- expect: reindex-non-concurrent 4:1
-- options: --pg-version 11
-- PostgreSQL 11 has no REINDEX CONCURRENTLY at all.
REINDEX INDEX ix_orders_customer_id;
