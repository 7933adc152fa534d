-- clock_timestamp() is volatile
-- expect: add-column-volatile-default 4:31
SET lock_timeout = '2s';
ALTER TABLE events ADD COLUMN seen_at timestamptz NOT NULL DEFAULT clock_timestamp();
