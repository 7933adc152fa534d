-- a just-added column left NULL gets not-null-without-backfill instead
ALTER TABLE accounts ADD COLUMN plan text;
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
