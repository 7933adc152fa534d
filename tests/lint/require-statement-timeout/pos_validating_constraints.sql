-- expect: require-statement-timeout 4:1
-- expect: require-statement-timeout 5:1
-- expect: require-statement-timeout 6:1
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (number);
