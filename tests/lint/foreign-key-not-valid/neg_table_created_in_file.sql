-- Both foreign keys are on a table this revision creates: it is empty.
CREATE TABLE order_note (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    order_id bigint NOT NULL REFERENCES orders (id),
    author_id bigint
);
ALTER TABLE order_note ADD CONSTRAINT fk_order_note_author FOREIGN KEY (author_id) REFERENCES users (id);
ALTER TABLE order_note ADD COLUMN editor_id bigint REFERENCES users (id);
