-- expect: require-statement-timeout 6:1
-- options: --pg-version 11
-- Before PostgreSQL 12, SET NOT NULL scans even with a validated CHECK.
ALTER TABLE users ADD CONSTRAINT users_email_nn CHECK (email IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_email_nn;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;
