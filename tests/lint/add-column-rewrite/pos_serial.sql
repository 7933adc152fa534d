-- a serial column fills every row from a sequence
-- expect: add-column-rewrite 3:31
ALTER TABLE events ADD COLUMN seq serial;
