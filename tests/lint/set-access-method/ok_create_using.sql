CREATE TABLE sales_2025 (id bigint, amount numeric) USING columnar;
