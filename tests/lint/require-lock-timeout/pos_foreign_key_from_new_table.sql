-- expect: require-lock-timeout 3:1
-- The new table is free, but the referenced table is locked SHARE ROW EXCLUSIVE.
CREATE TABLE payment (
    id bigint PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id)
);
