-- expect: rename-enum-value 2:1
ALTER TYPE order_status RENAME VALUE 'canceled' TO 'cancelled';
