-- expect: require-statement-timeout 3:1
-- one finding per transaction: the later statements are named in its message
UPDATE users SET newsletter = false;
DELETE FROM sessions;
