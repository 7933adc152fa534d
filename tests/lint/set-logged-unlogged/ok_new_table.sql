-- Load fast unlogged, then make it durable before anyone uses it.
CREATE UNLOGGED TABLE geo_names (id bigint PRIMARY KEY, name text NOT NULL);
INSERT INTO geo_names SELECT id, name FROM geo_import;
ALTER TABLE geo_names SET LOGGED;
