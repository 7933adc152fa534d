-- the internal "char" type is not char(n)
CREATE TABLE codes (kind "char");
