ALTER TABLE orders ADD COLUMN tmp_flag boolean;
ALTER TABLE orders DROP COLUMN tmp_flag CASCADE;
