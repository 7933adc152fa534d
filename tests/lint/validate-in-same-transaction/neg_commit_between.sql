-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE sample ADD CONSTRAINT ck_sample_status_nn CHECK (status IS NOT NULL) NOT VALID;
COMMIT;
ALTER TABLE sample VALIDATE CONSTRAINT ck_sample_status_nn;
