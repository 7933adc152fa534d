-- expect: exclude-constraint 4:1
-- No two bookings of a room may overlap.
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE booking ADD CONSTRAINT booking_no_overlap
    EXCLUDE USING gist (room_id WITH =, during WITH &&);
