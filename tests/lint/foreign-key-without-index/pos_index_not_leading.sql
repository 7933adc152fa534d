-- expect: foreign-key-without-index 6:5
-- The index starts with created_at, so it cannot find rows by order_id.
CREATE TABLE order_event (
    order_id bigint NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT fk_order_event_order FOREIGN KEY (order_id) REFERENCES orders (id)
);
CREATE INDEX ix_order_event_created ON order_event (created_at, order_id);
