-- converting to json is not a new column
ALTER TABLE events ALTER COLUMN body TYPE json USING body::json;
