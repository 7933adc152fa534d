-- options: --pg-version 14
-- expect: detach-partition-non-concurrent 3:1
ALTER TABLE metrics.events DETACH PARTITION metrics.events_2021_q1;
