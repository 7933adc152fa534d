-- expect: check-not-valid 4:1
-- The column is new but the table is not: every row is still checked.
ALTER TABLE orders ADD COLUMN priority int DEFAULT 0;
ALTER TABLE orders ADD CONSTRAINT ck_orders_priority CHECK (priority BETWEEN 0 AND 9);
