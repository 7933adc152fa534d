-- varchar(50) to varchar(20), both known from this migration
-- expect: alter-column-type 4:32
ALTER TABLE users ADD COLUMN nickname varchar(50);
ALTER TABLE users ALTER COLUMN nickname TYPE varchar(20);
