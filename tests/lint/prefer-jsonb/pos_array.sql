-- an array of json
-- expect: prefer-jsonb 3:43
ALTER TABLE events ADD COLUMN attachments json[];
