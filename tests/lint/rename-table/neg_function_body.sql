-- A function body runs when it is called, not during the deploy.
CREATE FUNCTION archive_year(y int) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE 'ALTER TABLE events RENAME TO events_old';
END
$$;
