-- The index comes after the table; it still counts.
CREATE TABLE sample_file (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sample_id bigint NOT NULL REFERENCES sample (id) ON DELETE CASCADE,
    path text NOT NULL
);
CREATE INDEX ix_sample_file_sample_id ON sample_file (sample_id, path);
