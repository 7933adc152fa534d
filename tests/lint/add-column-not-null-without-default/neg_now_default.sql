-- DEFAULT now() fills existing rows
ALTER TABLE users ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();
