-- a PRIMARY KEY column is NOT NULL too
-- expect: add-column-not-null-without-default 4:38
ALTER TABLE legacy_events DROP CONSTRAINT legacy_events_pkey;
ALTER TABLE legacy_events ADD COLUMN event_key text PRIMARY KEY;
