-- expect: rename-column 2:1
ALTER VIEW order_summary RENAME COLUMN total TO total_amount;
