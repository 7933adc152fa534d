-- alembic upgrade --sql output of a downgrade that drops the index outside the transaction.
BEGIN;
COMMIT;
DROP INDEX CONCURRENTLY IF EXISTS ix_sample_qc_status;
BEGIN;
ALTER TABLE sample DROP COLUMN qc_status;
COMMIT;
