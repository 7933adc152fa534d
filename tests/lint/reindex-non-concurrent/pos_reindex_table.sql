-- expect: reindex-non-concurrent 3:1
-- Rebuild a bloated index.
REINDEX TABLE orders;
