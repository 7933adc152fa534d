CREATE UNLOGGED TABLE IF NOT EXISTS cache_entries (key text PRIMARY KEY, value jsonb);
