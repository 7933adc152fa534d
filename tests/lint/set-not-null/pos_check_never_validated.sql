-- a NOT VALID CHECK that was never validated does not help
-- expect: set-not-null 6:1
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT orders_customer_id_nn CHECK (customer_id IS NOT NULL) NOT VALID;
ALTER TABLE orders ALTER COLUMN customer_id SET NOT NULL;
COMMIT;
