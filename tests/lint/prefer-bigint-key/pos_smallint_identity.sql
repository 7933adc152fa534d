-- a smallint identity key
-- expect: prefer-bigint-key 3:27
CREATE TABLE statuses (id smallint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, label text);
