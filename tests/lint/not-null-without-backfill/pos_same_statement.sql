-- added and made NOT NULL in one ALTER TABLE
-- expect: not-null-without-backfill 3:1
ALTER TABLE accounts
    ADD COLUMN plan text,
    ALTER COLUMN plan SET NOT NULL;
