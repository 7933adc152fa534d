-- Marks the index for a future CLUSTER; no rewrite now.
ALTER TABLE orders CLUSTER ON orders_created_at_idx;
ALTER TABLE orders SET WITHOUT CLUSTER;
