-- The safe way: add it NOT VALID now; a later revision validates it.
SET lock_timeout = '2s';
ALTER TABLE sample ADD CONSTRAINT fk_sample_assembly
    FOREIGN KEY (assembly_id) REFERENCES assembly (id) NOT VALID;
