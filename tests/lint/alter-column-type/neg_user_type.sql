-- a user type (citext) may be binary coercible
ALTER TABLE users ALTER COLUMN email TYPE citext;
