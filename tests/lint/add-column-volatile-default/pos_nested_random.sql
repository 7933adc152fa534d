-- a volatile call inside an expression
-- expect: add-column-volatile-default 3:36
ALTER TABLE experiments ADD COLUMN bucket integer DEFAULT (floor(random() * 100))::integer;
