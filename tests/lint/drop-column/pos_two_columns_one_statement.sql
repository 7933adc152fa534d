-- expect: drop-column 3:1
-- expect: drop-column 3:1
ALTER TABLE users DROP COLUMN IF EXISTS fax, DROP COLUMN pager;
