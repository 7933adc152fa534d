CREATE TABLE api_key (
    id bigint PRIMARY KEY,
    key_hash text NOT NULL UNIQUE,
    owner_id bigint NOT NULL
);
ALTER TABLE api_key ADD CONSTRAINT uq_api_key_owner UNIQUE (owner_id, key_hash);
ALTER TABLE api_key ADD COLUMN label text UNIQUE;
