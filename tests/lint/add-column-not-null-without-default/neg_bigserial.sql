-- a serial column fills existing rows
ALTER TABLE events ADD COLUMN seq bigserial NOT NULL;
