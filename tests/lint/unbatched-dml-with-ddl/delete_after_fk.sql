-- expect: unbatched-dml-with-ddl 5:1
-- expect: unbatched-dml-with-ddl 6:1
SET LOCAL lock_timeout = '2s';
ALTER TABLE order_items ADD CONSTRAINT fk_order_items_product FOREIGN KEY (product_id) REFERENCES products (id) NOT VALID;
DELETE FROM order_items WHERE product_id NOT IN (SELECT id FROM products);
UPDATE products SET archived = false WHERE archived IS NULL;
