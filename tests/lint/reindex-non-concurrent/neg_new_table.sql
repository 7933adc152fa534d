-- A table loaded in this revision, before anybody reads it.
CREATE TABLE import_batch (id bigint, payload jsonb);
CREATE INDEX ix_import_batch_id ON import_batch (id);
REINDEX TABLE import_batch;
REINDEX INDEX ix_import_batch_id;
