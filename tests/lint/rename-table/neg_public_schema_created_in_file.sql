CREATE TABLE public.tmp_users (id bigint);
ALTER TABLE tmp_users RENAME TO staged_users;
