-- a json column in a new table
-- expect: prefer-jsonb 5:13
CREATE TABLE webhooks (
    id bigint PRIMARY KEY,
    payload json NOT NULL
);
