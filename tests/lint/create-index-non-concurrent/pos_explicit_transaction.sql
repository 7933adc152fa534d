-- expect: create-index-non-concurrent 7:1
-- options: --no-assume-in-transaction
-- The timeout bounds the wait for the lock, not the build: writes still stop.
BEGIN;
SET LOCAL lock_timeout = '2s';
SET LOCAL statement_timeout = '10min';
CREATE INDEX ix_events_created_at
    ON events (created_at);
COMMIT;
