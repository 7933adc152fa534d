-- ADD COLUMN smallserial
-- expect: prefer-identity 3:42
ALTER TABLE statuses ADD COLUMN position smallserial;
