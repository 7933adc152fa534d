-- A different constraint than the one added NOT VALID here.
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT ck_orders_discount;
ALTER TABLE customer VALIDATE CONSTRAINT ck_orders_total;
