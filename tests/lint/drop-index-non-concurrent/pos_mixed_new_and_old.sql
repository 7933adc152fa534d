-- expect: drop-index-non-concurrent 6:1
CREATE TABLE tmp_import (id bigint, code text);
CREATE INDEX ix_tmp_import_code ON tmp_import (code);
-- ix_tmp_import_code was created above, but ix_sample_code is a live index.
SET lock_timeout = '2s';
DROP INDEX ix_tmp_import_code, ix_sample_code;
