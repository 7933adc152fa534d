-- options: --no-assume-in-transaction
CREATE INDEX CONCURRENTLY ix_users_tier ON users (tier);
