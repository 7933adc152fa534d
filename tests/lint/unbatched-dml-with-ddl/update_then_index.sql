-- expect: unbatched-dml-with-ddl 4:1
-- Reported at the DDL: the rows changed above stay locked while the index builds.
UPDATE orders SET status = 'open' WHERE status IS NULL;
CREATE INDEX ix_orders_status ON orders (status);
