-- expect: identifier-too-long 4:31
CREATE TABLE payouts (
    id bigint PRIMARY KEY,
    amount numeric CONSTRAINT ck_payouts_amount_must_be_positive_and_below_the_daily_limit_set_by_finance CHECK (amount > 0)
);
