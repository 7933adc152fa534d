-- An index this revision built and then replaced: nobody else uses it yet.
CREATE INDEX CONCURRENTLY ix_sample_tmp ON sample (name);
DROP INDEX ix_sample_tmp;
