SET lock_timeout TO '1s';
SET statement_timeout = 0;
RESET lock_timeout;
SET SESSION statement_timeout = '5min';
RESET ALL;
ALTER TABLE t SET (fillfactor = 70);
