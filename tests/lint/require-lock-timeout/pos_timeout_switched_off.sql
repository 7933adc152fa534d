-- expect: require-lock-timeout 6:1
-- one finding per transaction: the later statements are named in its message
SET lock_timeout = '2s';
ALTER TABLE users ADD COLUMN a text;
SET lock_timeout = 0;
ALTER TABLE users ADD COLUMN b text;
RESET lock_timeout;
LOCK TABLE accounts IN SHARE MODE;
