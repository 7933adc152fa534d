-- expect: foreign-key-without-index 5:31
-- Deleting a sample would scan sample_file for matching rows.
CREATE TABLE sample_file (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sample_id bigint NOT NULL REFERENCES sample (id) ON DELETE CASCADE,
    path text NOT NULL
);
