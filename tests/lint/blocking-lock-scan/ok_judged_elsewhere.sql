-- Statements a specific rule judges get its finding, never this one as well.
CREATE INDEX orders_created_at_idx ON orders (created_at);
ALTER TABLE orders ALTER COLUMN amount TYPE numeric(20, 2);
ALTER TABLE orders ALTER COLUMN note SET NOT NULL;
VACUUM FULL orders;
CLUSTER orders USING orders_pkey;
ALTER TABLE orders SET LOGGED;
ALTER TABLE orders ADD CONSTRAINT amount_positive CHECK (amount > 0);
