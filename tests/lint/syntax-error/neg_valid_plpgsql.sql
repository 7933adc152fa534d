DO $$
DECLARE
    n integer;
BEGIN
    SELECT count(*) INTO n FROM sample;
    RAISE NOTICE 'samples: %', n;
END
$$;
