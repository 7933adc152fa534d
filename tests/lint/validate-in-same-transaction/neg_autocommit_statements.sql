-- options: --no-assume-in-transaction
-- psql autocommit: the ADD commits before the VALIDATE starts.
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_total;
