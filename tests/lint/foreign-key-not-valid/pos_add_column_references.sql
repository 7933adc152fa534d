-- expect: foreign-key-not-valid 3:1
-- A column constraint has no NOT VALID form: the whole table is checked.
ALTER TABLE orders ADD COLUMN region_id bigint REFERENCES region (id);
