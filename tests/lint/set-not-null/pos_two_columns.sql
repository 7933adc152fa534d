-- one finding per column, both at the statement
-- expect: set-not-null 4:1
-- expect: set-not-null 4:1
ALTER TABLE invoices
    ALTER COLUMN issued_at SET NOT NULL,
    ALTER COLUMN currency SET NOT NULL;
