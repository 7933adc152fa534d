-- A unique constraint is the other rule's business.
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
