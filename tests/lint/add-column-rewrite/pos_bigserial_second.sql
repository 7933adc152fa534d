-- the finding points at the rewriting column
-- expect: add-column-rewrite 5:16
ALTER TABLE events
    ADD COLUMN source text,
    ADD COLUMN event_no bigserial;
