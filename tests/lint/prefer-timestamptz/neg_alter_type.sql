-- ALTER COLUMN TYPE is not a new column
ALTER TABLE bookings ALTER COLUMN starts_at TYPE timestamp;
