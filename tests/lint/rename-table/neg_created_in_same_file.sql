-- Nobody uses a table this migration has just created.
CREATE TABLE import_batch (id bigint PRIMARY KEY, started_at timestamptz NOT NULL);
ALTER TABLE import_batch RENAME TO import_batches;
