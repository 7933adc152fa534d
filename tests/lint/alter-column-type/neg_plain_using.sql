-- USING col::newtype is the same as no USING
ALTER TABLE users ALTER COLUMN email TYPE text USING email::text;
