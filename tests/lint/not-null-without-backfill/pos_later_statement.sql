-- the column is all NULL when SET NOT NULL runs
-- expect: not-null-without-backfill 5:1
ALTER TABLE accounts ADD COLUMN plan text;
ALTER TABLE accounts ALTER COLUMN plan SET DEFAULT 'free';
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
