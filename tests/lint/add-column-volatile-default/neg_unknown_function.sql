-- a function the lint does not know is not flagged
ALTER TABLE users ADD COLUMN region text DEFAULT app.default_region();
