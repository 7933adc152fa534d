-- expect: concurrently-in-transaction 3:1
-- DETACH ... CONCURRENTLY (PostgreSQL 14+) cannot run in a transaction block either.
ALTER TABLE measurement DETACH PARTITION measurement_y2020 CONCURRENTLY;
