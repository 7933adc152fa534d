-- expect: create-trigger-existing-table 3:1
SET lock_timeout = '2s';
CREATE OR REPLACE TRIGGER audit_row AFTER INSERT OR UPDATE OR DELETE ON billing.invoices
    FOR EACH ROW EXECUTE FUNCTION audit.log_row();
