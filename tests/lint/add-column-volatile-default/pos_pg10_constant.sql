-- before PostgreSQL 11 any non-NULL DEFAULT rewrites
-- expect: add-column-volatile-default 4:30
-- options: --pg-version 10
ALTER TABLE users ADD COLUMN active boolean NOT NULL DEFAULT true;
