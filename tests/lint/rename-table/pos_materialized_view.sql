-- expect: rename-table 2:1
ALTER MATERIALIZED VIEW daily_sales RENAME TO sales_per_day;
