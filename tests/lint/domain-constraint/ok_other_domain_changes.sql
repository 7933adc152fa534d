ALTER DOMAIN email_address SET DEFAULT 'unknown@example.com';
ALTER DOMAIN email_address DROP CONSTRAINT IF EXISTS email_old;
ALTER DOMAIN email_address RENAME CONSTRAINT email_has_at TO email_contains_at;
