ALTER TABLE users ADD COLUMN tier text;
ALTER TABLE accounts ADD COLUMN tier text;
ALTER TABLE users ADD COLUMN region text;
