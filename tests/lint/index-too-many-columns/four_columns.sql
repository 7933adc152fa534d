-- options: --enable index-too-many-columns --no-assume-in-transaction
-- expect: index-too-many-columns 3:1
CREATE INDEX CONCURRENTLY orders_search_idx ON orders (customer_id, status, created_at, amount);
