-- before PostgreSQL 12 timestamp to timestamptz always rewrites
-- expect: alter-column-type 5:33
-- options: --pg-version 11
ALTER TABLE logins ADD COLUMN at timestamp;
ALTER TABLE logins ALTER COLUMN at TYPE timestamptz;
