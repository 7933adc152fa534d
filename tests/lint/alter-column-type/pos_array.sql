-- array types are always converted row by row
-- expect: alter-column-type 3:32
ALTER TABLE posts ALTER COLUMN tags TYPE varchar(64)[];
