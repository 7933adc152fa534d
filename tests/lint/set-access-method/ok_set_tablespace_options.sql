ALTER TABLE events SET (fillfactor = 80);
ALTER TABLE events SET WITHOUT OIDS;
