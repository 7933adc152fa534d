-- DEFAULT NULL never rewrites
-- options: --pg-version 10
ALTER TABLE users ADD COLUMN note text DEFAULT NULL;
