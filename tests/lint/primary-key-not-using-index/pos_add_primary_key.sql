-- expect: primary-key-not-using-index 3:1
-- A table that never had a primary key gets one.
ALTER TABLE legacy_log ADD PRIMARY KEY (id);
