-- options: --no-assume-in-transaction
-- Add NOT VALID, commit, then validate: only SHARE UPDATE EXCLUSIVE during the scan.
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE sample ADD CONSTRAINT ck_sample_status_nn CHECK (status IS NOT NULL) NOT VALID;
COMMIT;
BEGIN;
ALTER TABLE sample VALIDATE CONSTRAINT ck_sample_status_nn;
COMMIT;
