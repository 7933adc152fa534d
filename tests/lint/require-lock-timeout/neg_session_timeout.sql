SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN nickname text;
CREATE INDEX ix_users_nickname ON users (nickname);
