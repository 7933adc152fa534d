-- an integer column named by a table PRIMARY KEY
-- expect: prefer-bigint-key 4:8
CREATE TABLE regions (
    id integer NOT NULL,
    name text,
    PRIMARY KEY (id)
);
