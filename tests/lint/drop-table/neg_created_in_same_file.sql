CREATE TABLE tmp_import (id bigint, payload jsonb);
INSERT INTO tmp_import SELECT id, payload FROM raw_events;
DROP TABLE tmp_import;
