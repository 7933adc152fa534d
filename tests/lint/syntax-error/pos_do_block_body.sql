-- expect: syntax-error 4:1
-- PostgreSQL parses a DO block's PL/pgSQL when it runs it: a missing
-- semicolon fails the migration.
DO $$
BEGIN
    UPDATE sample SET status = 'new' WHERE status IS NULL
END
$$;
