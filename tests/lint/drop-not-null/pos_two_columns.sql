-- expect: drop-not-null 3:1
-- expect: drop-not-null 3:1
ALTER TABLE orders ALTER shipped_at DROP NOT NULL, ALTER note DROP NOT NULL;
