-- a 1:1 extension table's key follows the key it references
CREATE TABLE user_settings (user_id integer PRIMARY KEY REFERENCES users (id), theme text);
CREATE TABLE user_stats (
    user_id integer NOT NULL,
    logins integer,
    PRIMARY KEY (user_id),
    FOREIGN KEY (user_id) REFERENCES users (id)
);
