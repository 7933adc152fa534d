-- Values of an enum created in the same transaction are usable at once.
CREATE TYPE order_status AS ENUM ('new', 'paid');
ALTER TYPE order_status ADD VALUE 'archived';
CREATE TABLE orders (id bigint PRIMARY KEY, status order_status NOT NULL DEFAULT 'archived');
