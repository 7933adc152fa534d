-- serial in a new table
-- expect: prefer-identity 3:23
CREATE TABLE tags (id serial PRIMARY KEY, name text);
