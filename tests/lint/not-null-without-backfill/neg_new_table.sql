-- the table itself is new
CREATE TABLE plans (id bigint PRIMARY KEY);
ALTER TABLE plans ADD COLUMN name text;
ALTER TABLE plans ALTER COLUMN name SET NOT NULL;
