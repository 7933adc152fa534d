-- options: --pg-version 13
-- CONCURRENTLY only exists from PostgreSQL 14: there is no better way here.
ALTER TABLE measurements DETACH PARTITION measurements_2019;
