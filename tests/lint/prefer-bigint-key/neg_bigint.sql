-- bigint keys
CREATE TABLE tags (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
CREATE TABLE regions (id bigserial PRIMARY KEY);
