-- expect: drop-index-non-concurrent 3:1
-- Revision 9c0d: the old index is replaced by ix_orders_customer_created.
DROP INDEX ix_orders_customer_id;
