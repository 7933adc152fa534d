ALTER TABLE users ADD COLUMN tier text;
COMMENT ON COLUMN users.tier IS 'pricing tier';
ALTER TABLE users ADD COLUMN region text;
