-- options: --no-assume-in-transaction
SET lock_timeout = '2s';
CREATE UNIQUE INDEX CONCURRENTLY pk_legacy_log_idx ON legacy_log (id);
ALTER TABLE legacy_log ADD CONSTRAINT pk_legacy_log PRIMARY KEY USING INDEX pk_legacy_log_idx;
