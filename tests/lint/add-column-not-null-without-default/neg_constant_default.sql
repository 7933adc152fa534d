-- a constant DEFAULT fills existing rows
ALTER TABLE users ADD COLUMN status text NOT NULL DEFAULT 'active';
