-- expect: detach-partition-non-concurrent 3:1
-- expect: detach-partition-non-concurrent 4:1
ALTER TABLE IF EXISTS logs DETACH PARTITION logs_2020;
ALTER TABLE logs DETACH PARTITION logs_2021;
