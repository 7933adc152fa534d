DROP TABLE reporting.kpi_old;
DROP OWNED BY retired_role;
