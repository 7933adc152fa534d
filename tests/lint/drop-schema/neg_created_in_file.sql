CREATE SCHEMA tmp_migration;
CREATE TABLE tmp_migration.work (id int);
DROP SCHEMA tmp_migration CASCADE;
