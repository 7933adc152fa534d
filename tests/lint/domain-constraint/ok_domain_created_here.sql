CREATE DOMAIN sku AS text;
ALTER DOMAIN sku ADD CONSTRAINT sku_format CHECK (VALUE ~ '^[A-Z]{3}-[0-9]+$');
CREATE TABLE products (id bigint PRIMARY KEY, sku sku NOT NULL);
