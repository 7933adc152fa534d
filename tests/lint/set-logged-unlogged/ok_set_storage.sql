ALTER TABLE page_views SET (autovacuum_vacuum_scale_factor = 0.01);
ALTER TABLE page_views ALTER COLUMN url SET STORAGE EXTERNAL;
