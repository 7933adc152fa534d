ALTER TABLE users RENAME CONSTRAINT users_pkey TO pk_users;
ALTER INDEX ix_users_name RENAME TO ix_users_full_name;
