-- options: --no-assume-in-transaction
-- The ADD ran in autocommit mode and committed; the VALIDATE's transaction is a new one.
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID;
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total;
COMMIT;
