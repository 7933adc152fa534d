-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 7:1
-- expect: non-idempotent-ddl 8:1
BEGIN;
CREATE TABLE plans (id bigint PRIMARY KEY);
COMMIT;
CREATE EXTENSION pg_trgm;
CREATE SEQUENCE invoice_number_seq;
CREATE SCHEMA IF NOT EXISTS reporting;
