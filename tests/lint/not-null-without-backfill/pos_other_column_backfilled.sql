-- the backfill updates a different column
-- expect: not-null-without-backfill 5:1
ALTER TABLE accounts ADD COLUMN plan text, ADD COLUMN tier integer;
UPDATE accounts SET tier = 1;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
