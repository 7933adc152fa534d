-- DEFAULT NULL is no default
-- expect: add-column-not-null-without-default 3:30
ALTER TABLE users ADD COLUMN region text NOT NULL DEFAULT NULL;
