-- options: --enable index-too-many-columns --no-assume-in-transaction
CREATE INDEX CONCURRENTLY orders_search_idx ON orders (customer_id, status, created_at);
CREATE UNIQUE INDEX CONCURRENTLY orders_natural_key ON orders (shop_id, customer_id, number, year);
