-- Other rules judge ALTER TABLE ... ENABLE/DISABLE TRIGGER.
ALTER TABLE orders DISABLE TRIGGER orders_touch;
DROP TRIGGER IF EXISTS orders_touch ON orders;
