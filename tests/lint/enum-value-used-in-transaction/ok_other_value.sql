ALTER TYPE order_status ADD VALUE 'archived';
UPDATE orders SET status = 'paid' WHERE id = 1;
