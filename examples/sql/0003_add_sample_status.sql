-- Revision 0003: track the lab status of every sample.
-- Written the quick way: it works on a laptop and blocks production.

ALTER TABLE sample ADD COLUMN status varchar(20) NOT NULL;

CREATE INDEX ix_sample_status ON sample (status);

ALTER TABLE sample ADD CONSTRAINT fk_sample_assembly
    FOREIGN KEY (assembly_id) REFERENCES assembly (id);

ALTER TABLE genome_note ALTER COLUMN title TYPE varchar(200);
