-- expect: statement-after-access-exclusive 6:1
-- reported once per transaction: the UPDATE on line 7 adds no second finding
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN coupon_code text;
SET LOCAL statement_timeout = '1min';
ALTER TABLE customers ADD COLUMN tier text;
UPDATE coupons SET used = false WHERE used IS NULL;
