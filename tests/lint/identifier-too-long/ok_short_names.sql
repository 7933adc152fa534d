CREATE TABLE invoices (id bigint PRIMARY KEY, total numeric NOT NULL);
CREATE INDEX ix_invoices_total ON invoices (total);
