-- a nullable column is fine
ALTER TABLE users ADD COLUMN nickname text;
