-- expect: drop-not-null 2:1
ALTER TABLE users ALTER COLUMN phone DROP NOT NULL;
