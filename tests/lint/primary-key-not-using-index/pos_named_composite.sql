-- expect: primary-key-not-using-index 3:1
SET lock_timeout = '2s';
ALTER TABLE sample_tag ADD CONSTRAINT pk_sample_tag
    PRIMARY KEY (sample_id, tag);
