CREATE TABLE sales_2024 (id bigint, amount numeric) ;
ALTER TABLE sales_2024 SET ACCESS METHOD columnar;
