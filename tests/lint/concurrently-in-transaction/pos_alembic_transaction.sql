-- expect: concurrently-in-transaction 4:1
-- op.create_index(..., postgresql_concurrently=True) without autocommit_block():
-- Alembic runs the migration in one transaction, and PostgreSQL refuses.
CREATE INDEX CONCURRENTLY ix_orders_customer_id ON orders (customer_id);
