ALTER TYPE order_status RENAME VALUE 'old' TO 'archived';
UPDATE orders SET status = 'archived' WHERE id = 1;
