-- SHARE, SHARE UPDATE EXCLUSIVE and SHARE ROW EXCLUSIVE locks still let readers through.
CREATE INDEX ix_orders_total ON orders (total);
ALTER TABLE orders VALIDATE CONSTRAINT orders_total_check;
ALTER TABLE order_items ADD CONSTRAINT fk_items_order FOREIGN KEY (order_id) REFERENCES orders (id) NOT VALID;
UPDATE orders SET total = 0 WHERE total IS NULL;
