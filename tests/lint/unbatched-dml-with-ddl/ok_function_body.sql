-- The UPDATE runs when the function is called, not in this transaction.
ALTER TABLE users ADD COLUMN display_name text;
CREATE FUNCTION fill_display_names() RETURNS void LANGUAGE sql AS $$
    UPDATE users SET display_name = first_name WHERE display_name IS NULL;
$$;
