CREATE TABLE tmp_totals (id int);
CREATE VIEW tmp_totals_v AS SELECT id FROM tmp_totals;
DROP TABLE tmp_totals CASCADE;
TRUNCATE tmp_totals CASCADE;
