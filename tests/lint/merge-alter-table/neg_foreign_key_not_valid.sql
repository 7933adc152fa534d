-- The NOT VALID foreign key only needs SHARE ROW EXCLUSIVE: merged, it would take ACCESS EXCLUSIVE.
ALTER TABLE orders ADD COLUMN user_id bigint;
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
