-- bigserial in a new table
-- expect: prefer-identity 4:8
CREATE TABLE events (
    id bigserial PRIMARY KEY,
    kind text
);
