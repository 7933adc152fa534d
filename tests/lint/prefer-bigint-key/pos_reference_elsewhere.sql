-- a foreign key on another column does not exempt the key
-- expect: prefer-bigint-key 4:8
CREATE TABLE comments (
    id integer PRIMARY KEY,
    post_id bigint NOT NULL,
    FOREIGN KEY (post_id) REFERENCES posts (id)
);
