-- expect: foreign-key-without-index 6:21
-- LIKE of another table says nothing about this one's keys: order_note is judged
-- on its own, and only order_copy's are unknown.
CREATE TABLE order_copy (LIKE orders INCLUDING ALL);
CREATE TABLE order_note (
    order_id bigint REFERENCES order_copy (id),
    body text
);
