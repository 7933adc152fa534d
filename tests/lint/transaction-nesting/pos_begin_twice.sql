-- expect: transaction-nesting 5:1
-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE users ADD COLUMN tier text;
START TRANSACTION;
UPDATE users SET tier = 'free' WHERE tier IS NULL;
COMMIT;
