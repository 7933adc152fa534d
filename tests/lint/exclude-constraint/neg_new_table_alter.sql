-- The table is created by this revision: nobody is waiting on it.
CREATE TABLE maintenance_window (machine_id bigint, span tstzrange);
ALTER TABLE maintenance_window ADD CONSTRAINT mw_no_overlap EXCLUDE USING gist (machine_id WITH =, span WITH &&);
