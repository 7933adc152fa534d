-- an explicit sequence default is a choice, not serial
CREATE SEQUENCE invoice_no_seq;
CREATE TABLE invoices (no bigint DEFAULT nextval('invoice_no_seq') PRIMARY KEY);
