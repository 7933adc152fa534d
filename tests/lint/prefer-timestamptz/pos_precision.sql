-- timestamp(3)
-- expect: prefer-timestamptz 3:46
ALTER TABLE bookings ADD COLUMN cancelled_at timestamp(3);
