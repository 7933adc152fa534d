-- expect: drop-not-null 3:1
SET lock_timeout = '2s';
ALTER TABLE billing.invoices ALTER COLUMN due_on DROP NOT NULL;
