-- expect: require-statement-timeout 3:1
-- expect: require-statement-timeout 4:1
UPDATE users SET newsletter = false;
DELETE FROM sessions;
