-- temporary tables only carry migration data
CREATE TEMP TABLE tmp_rows (n serial);
