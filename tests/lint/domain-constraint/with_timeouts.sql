-- options: --no-assume-in-transaction
-- expect: domain-constraint 6:1
-- A lock_timeout bounds the wait for the lock, not the scan that holds it.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER DOMAIN postal_code ADD CONSTRAINT postal_code_not_blank CHECK (VALUE <> '');
COMMIT;
