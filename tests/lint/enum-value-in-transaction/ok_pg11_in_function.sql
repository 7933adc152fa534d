-- options: --pg-version 11
-- A function body runs when called, not during the migration.
CREATE FUNCTION add_status(v text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TYPE order_status ADD VALUE 'archived';
END
$$;
