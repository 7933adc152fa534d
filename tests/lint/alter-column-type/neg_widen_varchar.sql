-- widening a varchar is free (old type unknown, target may be free)
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
