-- Dropping one is not adding one.
ALTER TABLE booking DROP CONSTRAINT booking_no_overlap;
ALTER TABLE booking ADD CONSTRAINT uq_booking_ref UNIQUE USING INDEX uq_booking_ref_idx;
