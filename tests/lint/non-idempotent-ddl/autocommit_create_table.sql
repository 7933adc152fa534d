-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 4:1
-- Each statement commits on its own: if the ALTER below fails, a retry stops at CREATE TABLE.
CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL);
ALTER TABLE invoices ADD COLUMN line_count integer;
