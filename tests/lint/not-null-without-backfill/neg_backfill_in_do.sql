-- a backfill inside a DO block runs now
ALTER TABLE accounts ADD COLUMN plan text;
DO $$
BEGIN
    UPDATE accounts SET plan = 'free';
END
$$;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
