-- a USING expression recomputes every row
-- expect: alter-column-type 3:33
ALTER TABLE events ALTER COLUMN payload TYPE text USING payload::jsonb ->> 'raw';
