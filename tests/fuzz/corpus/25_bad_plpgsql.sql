DO $$ BEGIN garbage here; END $$;
CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $b$ BEGIN RETURN ; x := ; END $b$;
DO $$ BEGIN x := 'open; END $$;
