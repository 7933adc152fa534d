-- expect: create-index-non-concurrent 4:1
-- A unique index on a table that already exists in another schema.

CREATE UNIQUE INDEX uq_invoice_number ON billing.invoice (number);
