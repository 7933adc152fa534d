SAVEPOINT before_backfill;
UPDATE users SET tier = 'free' WHERE tier IS NULL;
RELEASE SAVEPOINT before_backfill;
