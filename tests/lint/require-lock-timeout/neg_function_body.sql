-- A function body runs when it is called, not during the deploy.
CREATE FUNCTION add_tier() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE users ADD COLUMN IF NOT EXISTS tier text;
END
$$;
