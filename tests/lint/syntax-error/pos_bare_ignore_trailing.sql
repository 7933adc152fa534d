-- expect: syntax-error 4:1
-- expect: syntax-error 5:31
-- A bare ignore at the end of the statement, or inside it, does not hide it either.
SELEC 1; -- migrate-gate: ignore -- "reviewed"
ALTER TABLE sample ADD COLUMN (  -- migrate-gate: ignore
    note text);
