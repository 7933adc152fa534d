-- expect: rename-table 4:1
-- options: --no-assume-in-transaction
ALTER TABLE orders ADD COLUMN note text;
ALTER TABLE IF EXISTS order_items RENAME TO line_items;
CREATE INDEX CONCURRENTLY ix_orders_note ON orders (note);
