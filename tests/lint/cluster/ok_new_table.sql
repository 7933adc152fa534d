CREATE TABLE order_archive (id bigint PRIMARY KEY, created_at timestamptz NOT NULL);
CREATE INDEX order_archive_created_at_idx ON order_archive (created_at);
INSERT INTO order_archive SELECT id, created_at FROM orders WHERE created_at < '2020-01-01';
CLUSTER order_archive USING order_archive_created_at_idx;
