-- a serial primary key
-- expect: prefer-bigint-key 3:23
CREATE TABLE tags (id serial PRIMARY KEY, name text NOT NULL);
