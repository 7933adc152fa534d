-- expect: ignore-file 1:1
-- migrate-gate: ignore-file
CREATE INDEX ix_sample_status ON sample (status);
