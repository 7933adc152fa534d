-- unlimited varchar to varchar(30) checks and rewrites
-- expect: alter-column-type 4:32
ALTER TABLE users ADD COLUMN handle varchar;
ALTER TABLE users ALTER COLUMN handle TYPE varchar(30);
