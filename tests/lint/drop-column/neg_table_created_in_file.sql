CREATE TABLE import_row (id bigint, raw text, parsed jsonb);
ALTER TABLE import_row DROP COLUMN raw;
