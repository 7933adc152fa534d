-- Revision 0004: the same change, written to be safe on a busy table.
SET lock_timeout = '2s';
SET statement_timeout = '15min';

-- A nullable column with a constant default is a catalog-only change.
ALTER TABLE sample ADD COLUMN status text DEFAULT 'received';

-- Backfill in batches from application code or a later revision, then:
ALTER TABLE sample ADD CONSTRAINT sample_status_not_null
    CHECK (status IS NOT NULL) NOT VALID;
