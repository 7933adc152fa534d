-- expect: syntax-error 3:1
-- check_function_bodies is on by default: CREATE FUNCTION rejects this body.
CREATE FUNCTION touch_sample() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
    NEW.updated_at := now()
    RETURN NEW;
END
$fn$;
