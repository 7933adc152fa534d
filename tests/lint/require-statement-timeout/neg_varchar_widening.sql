-- Widening varchar or moving to text needs no rewrite; the gate cannot see the old type.
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
ALTER TABLE users ALTER COLUMN bio TYPE text;
