-- timestamptz and timestamp with time zone
CREATE TABLE bookings (starts_at timestamptz, ends_at timestamp with time zone, day date);
