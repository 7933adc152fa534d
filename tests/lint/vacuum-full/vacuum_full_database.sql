-- options: --no-assume-in-transaction
-- expect: vacuum-full 3:1
VACUUM FULL;
