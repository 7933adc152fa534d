-- Sample rows for a database of examples/atol at revision 0002: what the demo's "production"
-- and the backup tests hold. Deterministic (no random()), so runs compare.
INSERT INTO species (tolid_prefix, scientific_name)
SELECT 'sp' || i, 'Species number ' || i FROM generate_series(1, 50) i;
INSERT INTO sample (species_id, specimen_id, collected_on)
SELECT 1 + i % 50, 'SPEC-' || lpad(i::text, 6, '0'), date '2020-01-01' + i % 1000 FROM generate_series(1, 2000) i;
INSERT INTO assembly (sample_id, accession, level, total_length)
SELECT i, 'GCA_' || lpad(i::text, 9, '0') || '.1', (ARRAY['contig', 'scaffold', 'chromosome'])[1 + i % 3], 1000000 + i
FROM generate_series(1, 1000) i;
INSERT INTO genome_note (assembly_id, title, doi, published_on, status)
SELECT i, 'The genome of species ' || i, '10.12688/wellcomeopenres.' || i, date '2022-01-01' + i, 'published'
FROM generate_series(1, 500) i;
ANALYZE;
