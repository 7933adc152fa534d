-- options: --no-assume-in-transaction
-- Build the index without blocking writes, then attach it: a catalog-only change.
SET lock_timeout = '2s';
CREATE UNIQUE INDEX CONCURRENTLY uq_users_email_idx ON users (email);
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE USING INDEX uq_users_email_idx;
