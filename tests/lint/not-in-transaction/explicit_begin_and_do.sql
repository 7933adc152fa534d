-- options: --no-assume-in-transaction
-- expect: not-in-transaction 4:1
BEGIN;
VACUUM orders;
COMMIT;
-- expect: not-in-transaction 7:1
DO $$ BEGIN EXECUTE 'VACUUM orders'; END $$;
