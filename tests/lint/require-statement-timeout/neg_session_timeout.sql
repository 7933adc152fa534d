SET statement_timeout = '15min';
CREATE INDEX ix_orders_created_at ON orders (created_at);
ALTER TABLE events ALTER COLUMN id TYPE bigint;
UPDATE users SET newsletter = false;
