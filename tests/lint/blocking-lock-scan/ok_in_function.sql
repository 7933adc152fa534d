CREATE FUNCTION move_orders() RETURNS void LANGUAGE sql AS $$
    ALTER TABLE orders SET TABLESPACE fast_disk;
$$;
