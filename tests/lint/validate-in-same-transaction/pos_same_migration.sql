-- expect: validate-in-same-transaction 6:1
-- One Alembic revision, one transaction: the ACCESS EXCLUSIVE lock of the ADD
-- is still held while VALIDATE scans the table.
ALTER TABLE sample ADD CONSTRAINT ck_sample_status_nn
    CHECK (status IS NOT NULL) NOT VALID;
ALTER TABLE sample VALIDATE CONSTRAINT ck_sample_status_nn;
