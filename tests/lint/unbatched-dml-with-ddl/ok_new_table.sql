-- Rows of a table created in this migration are nobody else's yet.
CREATE TABLE plans (id bigint PRIMARY KEY, name text NOT NULL, price numeric);
INSERT INTO plans (id, name) VALUES (1, 'free'), (2, 'pro');
UPDATE plans SET price = 0 WHERE name = 'free';
CREATE INDEX ix_plans_name ON plans (name);
