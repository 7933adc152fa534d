-- The ATOL (Aquatic Tree of Life) sequencing tracker: samples go to assemblies,
-- assemblies get genome notes.
CREATE TABLE species (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    tolid_prefix text NOT NULL UNIQUE,
    scientific_name text NOT NULL
);

CREATE TABLE sample (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    species_id bigint NOT NULL REFERENCES species (id),
    specimen_id text NOT NULL,
    collected_on date,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ix_sample_species_id ON sample (species_id);

CREATE TABLE assembly (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    sample_id bigint NOT NULL REFERENCES sample (id),
    accession text UNIQUE,
    level text NOT NULL CHECK (level IN ('contig', 'scaffold', 'chromosome')),
    total_length bigint
);
CREATE INDEX ix_assembly_sample_id ON assembly (sample_id);

CREATE TABLE genome_note (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    assembly_id bigint NOT NULL REFERENCES assembly (id),
    title text NOT NULL,
    doi text,
    published_on date
);
CREATE INDEX ix_genome_note_assembly_id ON genome_note (assembly_id);
