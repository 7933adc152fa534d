-- DEFAULT NULL leaves the rows NULL
-- expect: not-null-without-backfill 4:1
ALTER TABLE accounts ADD COLUMN plan text DEFAULT NULL;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
