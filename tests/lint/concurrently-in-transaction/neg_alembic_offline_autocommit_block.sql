-- alembic upgrade --sql: autocommit_block() commits first and begins again after.
BEGIN;
ALTER TABLE sample ADD COLUMN qc_status text DEFAULT 'pending';
COMMIT;
CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_sample_qc_status ON sample (qc_status);
BEGIN;
UPDATE alembic_version SET version_num='0004' WHERE alembic_version.version_num = '0003';
COMMIT;
