CREATE TABLE coupon (code text CONSTRAINT coupon_code_check CHECK (code <> ''));
ALTER TABLE coupon DROP CONSTRAINT coupon_code_check;
