-- options: --enable unique-index-existing-rows --no-assume-in-transaction
-- expect: unique-index-existing-rows 3:1
CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email);
