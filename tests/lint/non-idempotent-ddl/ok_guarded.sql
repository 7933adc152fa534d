-- options: --no-assume-in-transaction
CREATE TABLE IF NOT EXISTS invoice_lines (id bigint PRIMARY KEY);
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_invoice_lines_id ON invoice_lines (id);
CREATE SEQUENCE IF NOT EXISTS invoice_number_seq;
CREATE SCHEMA IF NOT EXISTS reporting;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
DROP TABLE IF EXISTS legacy_lines;
DROP INDEX CONCURRENTLY IF EXISTS ix_legacy;
