-- Revision 0004: the same change, written to be safe on a busy table.
SET lock_timeout = '2s';
SET statement_timeout = '15min';

-- A nullable column with a constant default is a catalog-only change, and a
-- NOT VALID check is not verified against existing rows: the lock is brief.
ALTER TABLE sample
    ADD COLUMN status text DEFAULT 'received',
    ADD CONSTRAINT sample_status_not_null CHECK (status IS NOT NULL) NOT VALID;

-- Next revision: VALIDATE CONSTRAINT (no write lock), then SET NOT NULL, which
-- PostgreSQL 12+ does without a scan thanks to the validated check.
