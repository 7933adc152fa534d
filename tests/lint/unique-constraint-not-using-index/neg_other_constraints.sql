-- Primary keys and exclusion constraints have rules of their own.
ALTER TABLE legacy_log ADD PRIMARY KEY (id);
ALTER TABLE booking ADD CONSTRAINT no_overlap EXCLUDE USING gist (room_id WITH =, during WITH &&);
