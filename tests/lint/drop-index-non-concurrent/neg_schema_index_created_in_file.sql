CREATE TABLE archive.order_line (id bigint, order_id bigint);
CREATE INDEX ix_order_line_order_id ON archive.order_line (order_id);
DROP INDEX archive.ix_order_line_order_id;
