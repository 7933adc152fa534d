-- expect: unbatched-dml-with-ddl 5:1
-- The classic: add a column and backfill it in one revision. "users" stays
-- ACCESS EXCLUSIVE locked for the whole UPDATE.
ALTER TABLE users ADD COLUMN display_name text;
UPDATE users SET display_name = first_name || ' ' || last_name;
ALTER TABLE users ALTER COLUMN display_name SET NOT NULL;
