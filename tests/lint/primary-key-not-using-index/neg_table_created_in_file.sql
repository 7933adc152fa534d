CREATE TABLE sample_tag (sample_id bigint NOT NULL, tag text NOT NULL);
ALTER TABLE sample_tag ADD CONSTRAINT pk_sample_tag PRIMARY KEY (sample_id, tag);
