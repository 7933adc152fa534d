-- expect: exclude-constraint 5:1
-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
ALTER TABLE scheduling.slot ADD CONSTRAINT slot_exclusive EXCLUDE USING gist (resource_id WITH =, span WITH &&);
COMMIT;
