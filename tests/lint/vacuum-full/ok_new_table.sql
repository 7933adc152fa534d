-- options: --no-assume-in-transaction
-- Nobody else can be waiting on a table this migration created.
CREATE TABLE import_staging (id bigint, payload jsonb);
INSERT INTO import_staging SELECT id, payload FROM raw_import;
VACUUM FULL import_staging;
