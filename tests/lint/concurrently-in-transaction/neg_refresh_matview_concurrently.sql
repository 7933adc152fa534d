-- REFRESH MATERIALIZED VIEW CONCURRENTLY is allowed inside a transaction.
SET LOCAL lock_timeout = '2s';
REFRESH MATERIALIZED VIEW CONCURRENTLY sample_summary;
