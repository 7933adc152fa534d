DROP SCHEMA legacy;
DROP TABLE old_rows;
