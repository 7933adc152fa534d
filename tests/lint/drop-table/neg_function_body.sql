CREATE FUNCTION refresh_totals() RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    CREATE TEMP TABLE totals AS SELECT customer_id, sum(total) FROM orders GROUP BY 1;
    DROP TABLE totals;
END
$$;
