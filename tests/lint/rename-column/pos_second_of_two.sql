-- expect: rename-column 4:1
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN shipped_on date;
ALTER TABLE orders RENAME COLUMN ship_date TO legacy_ship_date;
