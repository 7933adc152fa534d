-- The table is only created when the function runs.
CREATE FUNCTION make_scratch() RETURNS void LANGUAGE sql AS $$
    CREATE TABLE scratch_line (order_id bigint REFERENCES orders (id));
$$;
