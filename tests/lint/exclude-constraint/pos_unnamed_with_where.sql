-- expect: exclude-constraint 3:1
SET lock_timeout = '2s';
ALTER TABLE shift ADD EXCLUDE USING gist (employee_id WITH =, period WITH &&) WHERE (NOT cancelled);
