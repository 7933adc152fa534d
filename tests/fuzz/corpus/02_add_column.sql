ALTER TABLE users ADD COLUMN age integer NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();
