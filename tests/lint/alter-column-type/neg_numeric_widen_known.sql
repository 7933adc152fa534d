-- raising numeric precision with the same scale is free
ALTER TABLE prices ADD COLUMN amount numeric(10,2);
ALTER TABLE prices ALTER COLUMN amount TYPE numeric(14,2);
