-- expect: rename-column 2:1
ALTER TABLE users RENAME COLUMN name TO full_name;
