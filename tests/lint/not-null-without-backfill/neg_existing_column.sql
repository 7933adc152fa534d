-- a column that existed before is set-not-null's business
ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;
