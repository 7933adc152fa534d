-- expect: detach-partition-non-concurrent 3:1
SET lock_timeout = '2s';
ALTER TABLE measurements DETACH PARTITION measurements_2019;
DROP TABLE measurements_2019;
