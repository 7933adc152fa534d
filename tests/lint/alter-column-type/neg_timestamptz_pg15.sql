-- from PostgreSQL 12 timestamp to timestamptz is free under TimeZone UTC
ALTER TABLE logins ADD COLUMN at timestamp;
ALTER TABLE logins ALTER COLUMN at TYPE timestamptz;
