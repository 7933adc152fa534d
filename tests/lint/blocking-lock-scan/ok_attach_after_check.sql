-- A validated CHECK that implies the bound lets ATTACH PARTITION skip its scan.
SET lock_timeout = '2s';
ALTER TABLE orders_2020 ADD CONSTRAINT orders_2020_bound
    CHECK (created_at >= '2020-01-01' AND created_at < '2021-01-01') NOT VALID;
ALTER TABLE orders_2020 VALIDATE CONSTRAINT orders_2020_bound;
ALTER TABLE orders ATTACH PARTITION orders_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
