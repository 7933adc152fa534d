-- expect: foreign-key-not-valid 7:1
-- The referenced table is new, but orders is not: every order row is checked.
CREATE TABLE currency (code char(3) PRIMARY KEY);
INSERT INTO currency VALUES ('EUR'), ('USD');
ALTER TABLE orders ADD COLUMN currency_code char(3) DEFAULT 'EUR';
-- migrate-gate: ignore require-lock-timeout -- reviewed
ALTER TABLE orders ADD FOREIGN KEY (currency_code) REFERENCES currency (code);
