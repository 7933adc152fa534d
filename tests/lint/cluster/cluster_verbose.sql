-- options: --no-assume-in-transaction
-- expect: cluster 3:1
CLUSTER (VERBOSE) orders USING orders_customer_id_idx;
