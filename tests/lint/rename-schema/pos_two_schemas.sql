-- expect: rename-schema 3:1
-- expect: rename-schema 4:1
ALTER SCHEMA app RENAME TO app_old;
ALTER SCHEMA app_next RENAME TO app;
