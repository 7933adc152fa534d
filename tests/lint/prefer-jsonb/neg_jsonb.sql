-- jsonb is the recommended type
CREATE TABLE webhooks (id bigint PRIMARY KEY, payload jsonb NOT NULL);
