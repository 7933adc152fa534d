-- expect: transaction-nesting 3:1
ALTER TABLE users ADD COLUMN tier text;
COMMIT;
CREATE INDEX CONCURRENTLY ix_users_tier ON users (tier);
