-- the type set by an earlier ALTER TYPE is the old type of the next
ALTER TABLE users ALTER COLUMN code TYPE varchar(10);
ALTER TABLE users ALTER COLUMN code TYPE varchar(40);
