-- expect: check-not-valid 3:1
SET lock_timeout = '2s';
ALTER TABLE orders ADD CONSTRAINT ck_orders_total_positive CHECK (total >= 0);
