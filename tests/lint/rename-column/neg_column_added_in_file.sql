-- The column was added by this migration: no running code reads it yet.
ALTER TABLE users ADD COLUMN nick text;
ALTER TABLE users RENAME COLUMN nick TO nickname;
