-- options: --no-assume-in-transaction
VACUUM (FULL false, ANALYZE) audit_log;
VACUUM (FULL off) audit_log;
VACUUM (FULL 0) audit_log;
