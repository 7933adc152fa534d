-- expect: unbatched-dml-with-ddl 4:1
-- SQL inside a DO block runs now, in the migration's transaction.
ALTER TABLE accounts ADD COLUMN tier text;
DO $$
BEGIN
    UPDATE accounts SET tier = 'free' WHERE tier IS NULL;
END
$$;
