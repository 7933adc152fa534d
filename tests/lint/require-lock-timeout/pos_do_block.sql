-- expect: require-lock-timeout 3:1
-- A DO block runs now: its ALTER TABLE waits for the lock like any other.
DO $$
BEGIN
    ALTER TABLE users ADD COLUMN IF NOT EXISTS tier text;
END
$$;
