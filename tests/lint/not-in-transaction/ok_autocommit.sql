-- options: --no-assume-in-transaction
VACUUM orders;
CREATE DATABASE reporting;
ALTER SYSTEM SET work_mem = '64MB';
REINDEX DATABASE app;
CLUSTER;
