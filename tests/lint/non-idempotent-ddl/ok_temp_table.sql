-- options: --no-assume-in-transaction
-- A temporary table disappears with the session, so a retry starts clean.
CREATE TEMP TABLE ids_to_fix AS SELECT id FROM orders WHERE status IS NULL;
CREATE TEMPORARY TABLE scratch (id bigint);
