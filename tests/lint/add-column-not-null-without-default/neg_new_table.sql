-- a table created in the same migration is empty
CREATE TABLE coupons (code text PRIMARY KEY);
ALTER TABLE coupons ADD COLUMN percent integer NOT NULL;
