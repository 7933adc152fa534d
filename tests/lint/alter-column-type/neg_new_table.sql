-- the table is new in this migration
CREATE TABLE drafts (id integer PRIMARY KEY, body json);
ALTER TABLE drafts ALTER COLUMN id TYPE bigint, ALTER COLUMN body TYPE jsonb USING body::jsonb;
