-- json to jsonb reparses every row
-- expect: alter-column-type 3:33
ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;
