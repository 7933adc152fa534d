-- Runs when an operator calls it, not during the migration.
CREATE FUNCTION maintenance_recluster() RETURNS void LANGUAGE sql AS $$
    CLUSTER orders USING orders_created_at_idx;
$$;
