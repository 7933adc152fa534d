-- expect: blocking-lock-scan 3:37
SET lock_timeout = '2s';
ALTER TABLE orders ATTACH PARTITION orders_2020 FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
