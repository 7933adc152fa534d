-- expect: domain-constraint 2:1
DO $$
BEGIN
    ALTER DOMAIN email_address ADD CONSTRAINT email_lower CHECK (VALUE = lower(VALUE));
END
$$;
