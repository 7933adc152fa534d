-- ALTER COLUMN TYPE is not a new column
ALTER TABLE customers ALTER COLUMN name TYPE varchar(512);
