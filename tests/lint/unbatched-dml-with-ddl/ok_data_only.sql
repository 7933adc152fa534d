-- A data migration of its own: no DDL shares its transaction.
SET LOCAL statement_timeout = '5min';
UPDATE users SET display_name = first_name || ' ' || last_name WHERE display_name IS NULL;
DELETE FROM sessions WHERE expires_at < now();
