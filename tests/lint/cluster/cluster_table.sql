-- expect: cluster 3:1
ALTER TABLE sales.orders CLUSTER ON orders_created_at_idx;
CLUSTER sales.orders;
