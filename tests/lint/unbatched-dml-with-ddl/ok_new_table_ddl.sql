-- Creating a table locks nothing that others use.
CREATE TABLE user_settings (user_id bigint PRIMARY KEY, theme text);
UPDATE users SET theme_migrated = true WHERE theme_migrated IS NULL;
