-- We cannot see an existing table's indexes, so we do not guess.
ALTER TABLE orders ADD CONSTRAINT fk_orders_customer FOREIGN KEY (customer_id) REFERENCES customer (id) NOT VALID;
