-- A maintenance function: its body runs when somebody calls it, not during the migration.
CREATE TABLE report_day (day date PRIMARY KEY);
CREATE FUNCTION rebuild_report_index() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE INDEX ix_report_total ON report (total);
END
$$;
