-- expect: drop-table 5:1
-- A bare ignore covers its own statement only.
-- migrate-gate: ignore
DROP TABLE old_events;
DROP TABLE old_users;
