-- the table is new in this migration
CREATE TABLE api_keys (id bigint PRIMARY KEY);
ALTER TABLE api_keys ADD COLUMN token uuid NOT NULL DEFAULT gen_random_uuid();
