-- options: --no-assume-in-transaction
VACUUM (ANALYZE) audit_log;
VACUUM audit_log;
ANALYZE audit_log;
