-- expect: rename-schema 4:1
SET lock_timeout = '2s';
CREATE SCHEMA reporting;
ALTER SCHEMA analytics RENAME TO analytics_v1;
