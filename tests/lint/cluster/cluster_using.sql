-- options: --no-assume-in-transaction
-- expect: cluster 3:1
CLUSTER orders USING orders_created_at_idx;
