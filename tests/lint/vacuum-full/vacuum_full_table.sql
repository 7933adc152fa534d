-- options: --no-assume-in-transaction
-- expect: vacuum-full 4:1
DELETE FROM audit_log WHERE created_at < now() - interval '1 year';
VACUUM FULL audit_log;
