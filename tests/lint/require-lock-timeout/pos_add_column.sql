-- expect: require-lock-timeout 2:1
ALTER TABLE users ADD COLUMN nickname text;
