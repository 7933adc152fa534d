-- expect: set-access-method 3:1
CREATE EXTENSION IF NOT EXISTS citus_columnar;
ALTER TABLE warehouse.sales_2020 SET ACCESS METHOD columnar;
