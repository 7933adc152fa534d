-- expect: drop-table 2:1
DO $$
BEGIN
    EXECUTE 'DROP TABLE legacy_tokens';
END
$$;
