-- EXCLUSIVE lets readers of the materialized view through, and nothing writes to it.
SET lock_timeout = '2s';
REFRESH MATERIALIZED VIEW CONCURRENTLY order_totals;
