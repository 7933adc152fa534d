CREATE TABLE staging_rows (id bigint);
DROP TABLE public.staging_rows;
