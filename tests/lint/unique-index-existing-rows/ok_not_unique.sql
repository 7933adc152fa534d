-- options: --enable unique-index-existing-rows --no-assume-in-transaction
CREATE INDEX CONCURRENTLY users_email_idx ON users (email);
