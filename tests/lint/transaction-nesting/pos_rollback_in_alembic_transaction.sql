-- expect: transaction-nesting 3:1
UPDATE users SET tier = 'free' WHERE tier IS NULL;
ROLLBACK;
