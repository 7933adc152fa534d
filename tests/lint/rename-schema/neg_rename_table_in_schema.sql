CREATE TABLE reporting.kpi (id int);
ALTER TABLE reporting.kpi RENAME TO kpis;
