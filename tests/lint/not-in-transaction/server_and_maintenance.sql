-- expect: not-in-transaction 6:1
-- expect: not-in-transaction 7:1
-- expect: not-in-transaction 8:1
-- expect: not-in-transaction 9:1
-- expect: not-in-transaction 10:1
ALTER SYSTEM SET work_mem = '64MB';
REINDEX SCHEMA sales;
REINDEX DATABASE app;
CLUSTER;
DISCARD ALL;
