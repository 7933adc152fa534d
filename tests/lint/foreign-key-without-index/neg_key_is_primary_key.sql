-- A one-to-one extension table: the foreign key is the primary key.
CREATE TABLE user_profile (
    user_id bigint PRIMARY KEY REFERENCES users (id),
    bio text
);
CREATE TABLE membership (
    group_id bigint REFERENCES groups (id),
    user_id bigint REFERENCES users (id),
    PRIMARY KEY (group_id, user_id)
);
CREATE INDEX ix_membership_user ON membership (user_id);
