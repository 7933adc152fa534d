-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 4:1
-- expect: non-idempotent-ddl 5:1
CREATE SCHEMA reporting;
DROP TABLE legacy_reports;
