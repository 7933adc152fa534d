-- expect: rename-schema 2:1
ALTER SCHEMA legacy RENAME TO archive;
