-- The body runs when the function is called, not during the migration.
CREATE FUNCTION drop_report_index() RETURNS void LANGUAGE sql AS $$
    DROP INDEX ix_report_total;
$$;
