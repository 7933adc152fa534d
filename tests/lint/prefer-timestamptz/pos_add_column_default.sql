-- ADD COLUMN timestamp with a default
-- expect: prefer-timestamptz 3:44
ALTER TABLE bookings ADD COLUMN created_at timestamp NOT NULL DEFAULT now();
