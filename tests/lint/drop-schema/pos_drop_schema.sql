-- expect: drop-schema 2:1
DROP SCHEMA legacy;
