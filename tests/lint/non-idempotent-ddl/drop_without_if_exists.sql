-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 3:1
DROP INDEX CONCURRENTLY ix_orders_legacy_status;
DROP INDEX CONCURRENTLY IF EXISTS ix_orders_legacy_state;
