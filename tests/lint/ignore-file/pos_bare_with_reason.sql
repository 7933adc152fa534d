-- expect: ignore-file 1:1
-- A reason does not make a bare ignore-file quiet: it still hides every rule.
-- migrate-gate: ignore-file -- legacy dump, reviewed
ALTER TABLE sample ALTER COLUMN status SET NOT NULL;
