-- 62 bytes of ASCII then a 2-byte character: 64 bytes, so the last character is cut.
-- expect: identifier-too-long 3:14
CREATE TABLE zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzé (id int);
