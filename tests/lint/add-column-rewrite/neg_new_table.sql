-- the table is new in this migration
CREATE TABLE webhooks (url text NOT NULL);
ALTER TABLE webhooks ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY;
