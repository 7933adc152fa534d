-- temporary tables only carry migration data
CREATE TEMP TABLE tmp_times (t timestamp);
