-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE users ADD COLUMN tier text;
COMMIT;
BEGIN;
UPDATE users SET tier = 'free' WHERE tier IS NULL;
ROLLBACK;
