DO $outer$ BEGIN EXECUTE $inner$ ALTER TABLE t ADD COLUMN z int DEFAULT random() $inner$; END $outer$;
SELECT $$;;;$$, E'\'; --', "weird""ident";
