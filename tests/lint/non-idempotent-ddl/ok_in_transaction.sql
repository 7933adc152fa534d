-- Alembic's default: the whole revision is one transaction and rolls back cleanly.
CREATE TABLE invoice_lines (id bigint PRIMARY KEY, invoice_id bigint NOT NULL);
CREATE INDEX ix_invoice_lines_invoice_id ON invoice_lines (invoice_id);
DROP TABLE legacy_lines;
