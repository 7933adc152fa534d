-- expect: drop-database 3:1
-- options: --no-assume-in-transaction
DROP DATABASE analytics;
