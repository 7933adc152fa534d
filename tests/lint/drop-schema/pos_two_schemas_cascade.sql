-- expect: drop-schema 3:1
-- expect: drop-schema 3:1
DROP SCHEMA IF EXISTS archive_2019, archive_2020 CASCADE;
