-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE users ADD COLUMN display_name text;
COMMIT;
BEGIN;
UPDATE users SET display_name = first_name WHERE display_name IS NULL;
COMMIT;
