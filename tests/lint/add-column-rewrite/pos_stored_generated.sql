-- a stored generated column is computed for every row
-- expect: add-column-rewrite 3:33
ALTER TABLE products ADD COLUMN price_with_tax numeric(12,2) GENERATED ALWAYS AS (price * 1.2) STORED;
