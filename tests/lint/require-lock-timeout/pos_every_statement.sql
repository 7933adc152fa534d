-- expect: require-lock-timeout 3:1
-- one finding per transaction: the later statements are named in its message
ALTER TABLE users ADD COLUMN a text;
DROP TABLE legacy_tokens;
TRUNCATE sessions;
