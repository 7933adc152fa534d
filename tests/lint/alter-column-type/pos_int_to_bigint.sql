-- int to bigint rewrites (old type unknown, target proves it)
-- expect: alter-column-type 4:33
SET lock_timeout = '2s';
ALTER TABLE orders ALTER COLUMN customer_id TYPE bigint;
