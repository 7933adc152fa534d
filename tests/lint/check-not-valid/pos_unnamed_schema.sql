-- expect: check-not-valid 4:1
-- expect: check-not-valid 6:1
-- options: --no-assume-in-transaction
ALTER TABLE billing.invoice ADD CHECK (due_date >= issued_on);
BEGIN;
ALTER TABLE billing.invoice
    ADD CONSTRAINT ck_invoice_currency CHECK (currency IN ('EUR', 'USD')),
    ADD CONSTRAINT ck_invoice_amount CHECK (amount > 0) NOT VALID;
COMMIT;
