CREATE TABLE invoice (id bigint PRIMARY KEY, total numeric);
ALTER TABLE invoice ADD COLUMN due_on date;
CREATE INDEX ix_invoice_due_on ON invoice (due_on);
