-- temporary tables only carry migration data
CREATE TEMP TABLE tmp_import (line json);
