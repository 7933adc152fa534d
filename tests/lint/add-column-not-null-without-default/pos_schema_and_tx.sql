-- inside an explicit transaction with timeouts set
-- expect: add-column-not-null-without-default 6:41
BEGIN;
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '30s';
ALTER TABLE billing.invoices ADD COLUMN due_on date NOT NULL;
COMMIT;
