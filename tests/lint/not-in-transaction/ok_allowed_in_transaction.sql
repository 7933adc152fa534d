-- These run fine in a transaction block.
ANALYZE orders;
CLUSTER orders USING orders_pkey;
REINDEX TABLE orders;
ALTER DATABASE app SET work_mem = '64MB';
DISCARD TEMP;
CREATE SUBSCRIPTION orders_sub CONNECTION 'host=primary dbname=app' PUBLICATION orders_pub
    WITH (create_slot = false);
ALTER SUBSCRIPTION orders_sub SET PUBLICATION orders_pub WITH (refresh = false);
ALTER SUBSCRIPTION orders_sub DISABLE;
