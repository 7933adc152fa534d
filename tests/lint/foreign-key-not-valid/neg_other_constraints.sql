-- Not foreign keys: other rules judge these.
ALTER TABLE orders ADD CONSTRAINT ck_orders_total CHECK (total >= 0) NOT VALID;
ALTER TABLE orders ALTER COLUMN total SET DEFAULT 0;
