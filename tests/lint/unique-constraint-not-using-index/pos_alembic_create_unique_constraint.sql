-- expect: unique-constraint-not-using-index 3:1
-- op.create_unique_constraint() on a live table.
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);
