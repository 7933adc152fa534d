-- Index and constraint names are not used by application queries.
ALTER INDEX ix_users_mail RENAME TO ix_users_email;
ALTER TABLE users RENAME CONSTRAINT users_mail_key TO users_email_key;
