-- A primary key declared with the table it belongs to.
CREATE TABLE region (
    id bigint GENERATED ALWAYS AS IDENTITY,
    name text NOT NULL,
    CONSTRAINT pk_region PRIMARY KEY (id)
);
CREATE TABLE country (code char(2) PRIMARY KEY, region_id bigint REFERENCES region (id));
