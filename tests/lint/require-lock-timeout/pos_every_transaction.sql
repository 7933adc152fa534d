-- expect: require-lock-timeout 6:1
-- expect: require-lock-timeout 7:1
-- expect: require-lock-timeout 8:1
-- options: --no-assume-in-transaction
-- outside a transaction each statement is a transaction of its own, and each one is reported
ALTER TABLE users ADD COLUMN a text;
DROP TABLE legacy_tokens;
TRUNCATE sessions;
