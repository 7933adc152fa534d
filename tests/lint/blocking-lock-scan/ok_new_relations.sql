-- Relations created in the same revision: nobody else can be waiting on them.
CREATE TABLE orders_2020 (id bigint, created_at timestamptz);
ALTER TABLE orders_2020 SET TABLESPACE fast_disk;
ALTER TABLE orders ATTACH PARTITION orders_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
CREATE MATERIALIZED VIEW order_totals AS SELECT 1 AS total;
REFRESH MATERIALIZED VIEW order_totals;
CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0);
ALTER DOMAIN positive_amount SET NOT NULL;
