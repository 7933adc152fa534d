-- expect: drop-index-non-concurrent 4:1
SET lock_timeout = '2s';
-- IF EXISTS does not change the lock: the table is still locked ACCESS EXCLUSIVE.
DROP INDEX IF EXISTS billing.ix_invoice_legacy_code;
