-- The COMMIT runs when the procedure is called, not now.
CREATE PROCEDURE backfill_tiers() LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET tier = 'free' WHERE tier IS NULL;
    COMMIT;
END
$$;
