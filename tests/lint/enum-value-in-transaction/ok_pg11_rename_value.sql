-- options: --pg-version 11
-- RENAME VALUE is allowed in a transaction (rename-enum-value has its own rule).
ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';
