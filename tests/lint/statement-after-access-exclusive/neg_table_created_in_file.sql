CREATE TABLE coupon (code text PRIMARY KEY);
ALTER TABLE coupon ADD COLUMN discount numeric;
CREATE INDEX ix_coupon_discount ON coupon (discount);
