-- options: --no-assume-in-transaction
-- expect: unbatched-dml-with-ddl 5:1
BEGIN;
ALTER TABLE invoices RENAME COLUMN amount TO total;
UPDATE invoices SET total = 0 WHERE total IS NULL;
COMMIT;
