-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
CREATE SEQUENCE invoice_number_seq;
CREATE EXTENSION pg_trgm;
DROP VIEW legacy_totals;
COMMIT;
