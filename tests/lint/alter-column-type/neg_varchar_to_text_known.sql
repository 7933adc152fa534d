-- varchar to text is binary coercible
ALTER TABLE users ADD COLUMN bio varchar(500);
ALTER TABLE users ALTER COLUMN bio TYPE text;
