-- expect: require-statement-timeout 3:1
-- one finding per transaction: the later statements are named in its message
ALTER TABLE orders ADD CONSTRAINT orders_total_check CHECK (total >= 0);
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE orders ADD CONSTRAINT orders_number_key UNIQUE (number);
