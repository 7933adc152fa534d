-- expect: create-index-non-concurrent 10:1
-- expect: create-index-non-concurrent 11:1
CREATE TABLE sample_tag (
    sample_id bigint NOT NULL,
    tag text NOT NULL
);
-- Fine: nobody else can be using sample_tag yet.
CREATE INDEX ix_sample_tag_tag ON sample_tag (tag);
-- Not fine: sample and genome_note exist.
CREATE INDEX ix_sample_lower_name ON sample (lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX ON genome_note USING gin (body_tsv);
