-- options: --no-assume-in-transaction
-- Every statement commits on its own: no locks are held together.
ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = first_name WHERE display_name IS NULL;
