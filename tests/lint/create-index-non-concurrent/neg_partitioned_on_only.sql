-- options: --no-assume-in-transaction
-- The documented way to index a live partitioned table: the parent's index is
-- created ON ONLY (no build), each partition's CONCURRENTLY, then attached.
CREATE INDEX ix_measurement_logdate ON ONLY measurement (logdate);
CREATE INDEX CONCURRENTLY ix_measurement_y2024_logdate ON measurement_y2024 (logdate);
ALTER INDEX ix_measurement_logdate ATTACH PARTITION ix_measurement_y2024_logdate;
