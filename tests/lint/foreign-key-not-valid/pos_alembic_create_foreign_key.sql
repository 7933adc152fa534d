-- expect: foreign-key-not-valid 4:1
-- op.create_foreign_key() on a live table.
SET lock_timeout = '2s';
ALTER TABLE sample ADD CONSTRAINT fk_sample_assembly
    FOREIGN KEY (assembly_id) REFERENCES assembly (id);
