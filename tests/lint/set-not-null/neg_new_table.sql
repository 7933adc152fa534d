-- a table created in the same migration is empty
CREATE TABLE audit_log (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, actor text);
ALTER TABLE audit_log ALTER COLUMN actor SET NOT NULL;
