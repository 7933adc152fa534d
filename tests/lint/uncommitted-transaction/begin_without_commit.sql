-- options: --no-assume-in-transaction
-- expect: uncommitted-transaction 5:1
BEGIN;
ALTER TABLE orders ADD COLUMN note text;
