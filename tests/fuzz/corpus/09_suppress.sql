-- migrate-gate: ignore-file create-index-non-concurrent -- reason
-- migrate-gate: ignore add-column-default -- legacy
ALTER TABLE t ADD COLUMN a int DEFAULT 1;
CREATE INDEX i ON t (a); -- migrate-gate: ignore create-index-non-concurrent -- tiny
-- migrate-gate: bogus directive
-- migrate-gate: ignore-file
