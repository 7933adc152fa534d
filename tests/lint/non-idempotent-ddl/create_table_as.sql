-- options: --no-assume-in-transaction
-- expect: non-idempotent-ddl 3:1
CREATE TABLE order_totals_2023 AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
CREATE TABLE IF NOT EXISTS order_totals_2024 AS SELECT customer_id, sum(total) AS total FROM orders GROUP BY customer_id;
