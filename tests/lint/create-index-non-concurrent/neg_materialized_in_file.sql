-- A table built by CREATE TABLE AS is new too.
CREATE TABLE customer_stats AS SELECT customer_id, count(*) AS n FROM orders GROUP BY customer_id;
CREATE INDEX ix_customer_stats_customer_id ON customer_stats (customer_id);
