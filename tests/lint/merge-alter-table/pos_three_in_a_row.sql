-- expect: merge-alter-table 5:1
-- expect: merge-alter-table 6:1
SET lock_timeout = '2s';
ALTER TABLE orders ADD COLUMN source text;
ALTER TABLE orders ALTER COLUMN source SET DEFAULT 'web';
ALTER TABLE orders ADD CONSTRAINT orders_source_check CHECK (source <> '') NOT VALID;
