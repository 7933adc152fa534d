-- expect: create-trigger-existing-table 2:1
CREATE CONSTRAINT TRIGGER check_balance AFTER INSERT OR UPDATE ON accounts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION check_balance();
