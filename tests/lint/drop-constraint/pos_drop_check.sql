-- expect: drop-constraint 2:1
ALTER TABLE orders DROP CONSTRAINT orders_amount_check;
