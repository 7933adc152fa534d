-- an identity column fills existing rows (add-column-rewrite covers its cost)
ALTER TABLE events ADD COLUMN seq bigint NOT NULL GENERATED ALWAYS AS IDENTITY;
