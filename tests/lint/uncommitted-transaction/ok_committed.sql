-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
COMMIT;
BEGIN;
ALTER TABLE orders DROP COLUMN note;
ROLLBACK;
