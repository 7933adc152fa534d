-- expect: not-in-transaction 5:1
-- expect: not-in-transaction 6:1
-- expect: not-in-transaction 7:1
-- expect: not-in-transaction 8:1
CREATE SUBSCRIPTION orders_sub CONNECTION 'host=primary dbname=app' PUBLICATION orders_pub;
ALTER SUBSCRIPTION orders_sub REFRESH PUBLICATION;
ALTER SUBSCRIPTION orders_sub SET PUBLICATION orders_pub, items_pub;
DROP SUBSCRIPTION orders_sub;
