-- constants, casts of constants and empty arrays
ALTER TABLE users
    ADD COLUMN status text NOT NULL DEFAULT 'active',
    ADD COLUMN score integer DEFAULT '0'::integer,
    ADD COLUMN tags text[] NOT NULL DEFAULT ARRAY[]::text[],
    ADD COLUMN quota bigint DEFAULT -1;
