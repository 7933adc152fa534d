CREATE TABLE plan (id int PRIMARY KEY);
ALTER TABLE plan ADD COLUMN name text;
ALTER TABLE plan ADD COLUMN price numeric;
