-- 61 bytes of ASCII then a 2-byte character: 63 bytes, kept whole.
CREATE TABLE zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzé (id int);
