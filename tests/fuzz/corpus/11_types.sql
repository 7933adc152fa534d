CREATE TABLE t (id serial PRIMARY KEY, name varchar(20), ts timestamp, price money, tags char(5), j json);
ALTER TABLE t ALTER COLUMN name TYPE varchar(40);
ALTER TABLE t ALTER COLUMN name TYPE text USING name::text;
CREATE TYPE mood AS ENUM ('sad', 'ok');
ALTER TYPE mood ADD VALUE 'happy';
