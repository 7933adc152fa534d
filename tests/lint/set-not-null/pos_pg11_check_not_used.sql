-- before PostgreSQL 12 a validated CHECK does not let SET NOT NULL skip the scan
-- expect: set-not-null 6:1
-- options: --pg-version 11
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_nn CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_nn;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
