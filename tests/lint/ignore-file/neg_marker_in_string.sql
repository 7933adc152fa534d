SET lock_timeout = '2s';
COMMENT ON TABLE sample IS '-- migrate-gate: ignore-file';
