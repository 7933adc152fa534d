CREATE FUNCTION greet(name text) RETURNS text LANGUAGE plpgsql AS $fn$
BEGIN
    RETURN format('hello; %s', name);
END
$fn$;
