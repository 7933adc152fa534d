-- options: --no-assume-in-transaction
-- expect: cluster 3:1
CLUSTER;
