-- ADD COLUMN json
-- expect: prefer-jsonb 3:40
ALTER TABLE events ADD COLUMN metadata json DEFAULT '{}';
