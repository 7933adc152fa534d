-- a plain nullable column is metadata only
ALTER TABLE events ADD COLUMN seq bigint;
