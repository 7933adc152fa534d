CREATE FUNCTION reset_newsletter() RETURNS void LANGUAGE sql AS $$
    UPDATE users SET newsletter = false;
$$;
