-- the parts of a composite key follow the keys they reference
CREATE TABLE user_groups (
    user_id integer REFERENCES users (id),
    group_id integer REFERENCES groups (id),
    PRIMARY KEY (user_id, group_id)
);
