-- expect: set-logged-unlogged 2:1
ALTER TABLE page_views SET UNLOGGED;
