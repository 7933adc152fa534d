-- expect: require-lock-timeout 4:1
-- expect: require-lock-timeout 5:1
-- expect: require-lock-timeout 6:1
ALTER TABLE users ADD COLUMN a text;
DROP TABLE legacy_tokens;
TRUNCATE sessions;
