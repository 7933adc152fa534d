-- a type named json in another schema
CREATE TABLE docs (body legacy.json);
