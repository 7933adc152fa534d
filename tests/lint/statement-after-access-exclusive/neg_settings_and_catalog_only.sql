ALTER TABLE orders ADD COLUMN coupon_code text;
SET LOCAL statement_timeout = '1min';
SELECT set_config('lock_timeout', '2s', true);
COMMENT ON COLUMN orders.coupon_code IS 'promotion code';
CREATE TABLE coupon_audit (code text, used_at timestamptz);
