-- The follow-up migration: VALIDATE checks the rows without blocking the ADD.
ALTER DOMAIN email_address VALIDATE CONSTRAINT email_has_at;
