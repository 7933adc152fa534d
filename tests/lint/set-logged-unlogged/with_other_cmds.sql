-- expect: set-logged-unlogged 2:1
ALTER TABLE import_rows ADD COLUMN batch_id bigint, SET UNLOGGED;
