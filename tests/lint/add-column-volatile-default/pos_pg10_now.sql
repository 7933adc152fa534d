-- before PostgreSQL 11 even DEFAULT now() rewrites
-- expect: add-column-volatile-default 4:30
-- options: --pg-version 10
ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
