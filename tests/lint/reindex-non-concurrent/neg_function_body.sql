-- Runs when called, e.g. by a nightly job, not during the migration.
CREATE FUNCTION nightly_reindex() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    REINDEX TABLE orders;
END
$$;
