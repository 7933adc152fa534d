-- expect: create-trigger-existing-table 2:1
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_trigger WHERE tgname = 'users_search') THEN
        CREATE TRIGGER users_search BEFORE INSERT OR UPDATE ON users
            FOR EACH ROW EXECUTE FUNCTION users_search_update();
    END IF;
END $$;
