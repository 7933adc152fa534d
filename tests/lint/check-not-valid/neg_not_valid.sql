SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT ck_orders_total_positive CHECK (total >= 0) NOT VALID;
