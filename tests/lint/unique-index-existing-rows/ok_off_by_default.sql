-- options: --no-assume-in-transaction
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
