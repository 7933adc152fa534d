-- expect: statement-after-access-exclusive 7:1
-- expect: statement-after-access-exclusive 12:1
-- options: --no-assume-in-transaction
-- Once per transaction: the first statement after the lock is reported, the
-- rest of that transaction is not, and the next transaction starts afresh.
BEGIN; ALTER TABLE orders ADD COLUMN coupon_code text;
UPDATE coupons SET used = false WHERE id = 1;
UPDATE coupons SET used = false WHERE id = 2;
COMMIT;
BEGIN;
ALTER TABLE customers ADD COLUMN tier text;
UPDATE coupons SET used = true WHERE id = 3;
UPDATE coupons SET used = true WHERE id = 4;
COMMIT;
