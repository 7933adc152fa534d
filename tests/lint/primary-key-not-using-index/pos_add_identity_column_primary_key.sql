-- expect: primary-key-not-using-index 4:1
-- options: --no-assume-in-transaction
-- Adding a surrogate key to an existing table.
ALTER TABLE event_log ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
