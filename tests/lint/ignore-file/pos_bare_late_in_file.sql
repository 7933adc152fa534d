-- expect: ignore-file 1:1
SET lock_timeout = '2s';
ALTER TABLE sample ADD COLUMN note text;
-- migrate-gate: ignore-file
