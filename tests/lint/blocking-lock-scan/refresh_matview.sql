-- expect: blocking-lock-scan 3:27
SET lock_timeout = '2s';
REFRESH MATERIALIZED VIEW order_totals;
