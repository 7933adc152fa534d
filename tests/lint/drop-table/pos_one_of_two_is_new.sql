-- expect: drop-table 4:1
-- Only the table that existed before is reported.
CREATE TABLE scratch (id int);
DROP TABLE scratch, legacy_tokens;
