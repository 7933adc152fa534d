-- expect: require-statement-timeout 4:1
-- expect: require-statement-timeout 5:1
-- options: --no-assume-in-transaction
VACUUM FULL orders;
CLUSTER orders USING ix_orders_created_at;
