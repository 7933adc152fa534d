-- a numeric scale change rewrites
-- expect: alter-column-type 4:33
ALTER TABLE prices ADD COLUMN amount numeric(10,2);
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(12,4);
