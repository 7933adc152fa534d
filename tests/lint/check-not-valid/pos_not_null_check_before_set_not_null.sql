-- expect: check-not-valid 4:1
-- The CHECK-then-SET NOT NULL trick only helps when the CHECK is added NOT VALID
-- and validated separately; added like this it scans under ACCESS EXCLUSIVE.
ALTER TABLE sample ADD CONSTRAINT ck_sample_status_nn CHECK (status IS NOT NULL);
ALTER TABLE sample ALTER COLUMN status SET NOT NULL;
