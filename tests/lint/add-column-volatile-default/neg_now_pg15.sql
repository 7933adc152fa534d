-- now() is stable: PostgreSQL 11+ stores it once, no rewrite
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
