-- a constant DEFAULT filled existing rows
ALTER TABLE accounts ADD COLUMN plan text DEFAULT 'free';
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;
