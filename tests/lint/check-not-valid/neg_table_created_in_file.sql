CREATE TABLE payment (
    id bigint PRIMARY KEY,
    amount numeric(12, 2) NOT NULL CHECK (amount > 0)
);
ALTER TABLE payment ADD CONSTRAINT ck_payment_amount_cap CHECK (amount < 1000000);
