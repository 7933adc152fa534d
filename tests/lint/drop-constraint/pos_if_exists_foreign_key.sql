-- expect: drop-constraint 2:1
ALTER TABLE order_items DROP CONSTRAINT IF EXISTS fk_order_items_product;
