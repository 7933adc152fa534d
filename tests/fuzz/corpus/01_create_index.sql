CREATE INDEX ix_users_email ON users (email);
CREATE UNIQUE INDEX CONCURRENTLY ix_users_name ON users (lower(name)) WHERE deleted_at IS NULL;
