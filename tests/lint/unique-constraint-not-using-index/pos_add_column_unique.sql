-- expect: unique-constraint-not-using-index 3:1
-- The column is new, but its unique index is built over every row of sample.
ALTER TABLE sample ADD COLUMN external_ref text UNIQUE;
