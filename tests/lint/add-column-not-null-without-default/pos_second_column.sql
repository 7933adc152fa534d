-- the finding points at the offending column
-- expect: add-column-not-null-without-default 5:16
ALTER TABLE orders
    ADD COLUMN note text,
    ADD COLUMN shipping_id uuid NOT NULL REFERENCES shipments (id);
