-- Catalog-only changes hold their lock for an instant once granted; lock_timeout bounds the wait.
SET lock_timeout = '2s';
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY orders_owner ON orders USING (owner = current_user);
CREATE RULE orders_no_delete AS ON DELETE TO orders DO INSTEAD NOTHING;
ALTER TABLE orders OWNER TO app;
ALTER TABLE orders ALTER COLUMN note SET DEFAULT '';
ALTER TABLE orders SET (fillfactor = 70);
DROP TRIGGER orders_audit ON orders;
ALTER TABLE orders DETACH PARTITION orders_2019 CONCURRENTLY;
ALTER DOMAIN positive_amount VALIDATE CONSTRAINT positive_amount_check;
