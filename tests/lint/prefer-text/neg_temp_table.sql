-- temporary tables only carry migration data
CREATE TEMPORARY TABLE tmp_emails (email varchar(320));
