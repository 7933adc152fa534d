-- expect: drop-constraint 3:1
-- expect: drop-constraint 3:1
ALTER TABLE users DROP CONSTRAINT users_email_key, DROP CONSTRAINT users_age_check;
