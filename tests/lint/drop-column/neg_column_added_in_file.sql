-- A column this migration added: no running code selects it.
ALTER TABLE orders ADD COLUMN tmp_total numeric;
UPDATE orders SET tmp_total = total WHERE tmp_total IS NULL;
ALTER TABLE orders DROP COLUMN tmp_total;
