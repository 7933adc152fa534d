-- the backfill updates the same column name on another table
-- expect: not-null-without-backfill 6:1
BEGIN;
ALTER TABLE app.accounts ADD COLUMN plan text;
UPDATE accounts SET plan = 'free';
ALTER TABLE app.accounts ALTER COLUMN plan SET NOT NULL;
COMMIT;
