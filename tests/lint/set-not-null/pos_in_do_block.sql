-- inside a DO block the statement runs now; the finding points at the DO
-- expect: set-not-null 4:1
SET lock_timeout = '2s';
DO $$
BEGIN
    ALTER TABLE users ALTER COLUMN email SET NOT NULL;
END
$$;
