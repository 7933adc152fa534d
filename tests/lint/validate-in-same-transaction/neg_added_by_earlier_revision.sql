-- Revision 0005: validate what revision 0004 added NOT VALID.
SET lock_timeout = '2s';
SET statement_timeout = '15min';
ALTER TABLE sample VALIDATE CONSTRAINT sample_status_not_null;
ALTER TABLE sample ALTER COLUMN status SET NOT NULL;
