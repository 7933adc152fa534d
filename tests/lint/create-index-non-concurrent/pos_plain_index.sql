-- expect: create-index-non-concurrent 5:1
-- Revision 7a1c: look up orders by customer.
SET lock_timeout = '2s';

CREATE INDEX ix_orders_customer_id ON orders (customer_id);
