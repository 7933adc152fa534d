-- options: --no-assume-in-transaction
-- A DO block is one statement: it either ran completely or not at all.
DO $$
BEGIN
    CREATE TABLE invoice_lines (id bigint PRIMARY KEY);
    CREATE INDEX ix_invoice_lines_id ON invoice_lines (id);
END $$;
