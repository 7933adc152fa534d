-- Revision 0005: validate in a later transaction than the NOT VALID add,
-- then let PostgreSQL 12+ use the validated CHECK to skip the full-table scan.
SET lock_timeout = '2s';
SET statement_timeout = '15min';

ALTER TABLE sample VALIDATE CONSTRAINT sample_status_not_null;
ALTER TABLE sample ALTER COLUMN status SET NOT NULL;
