-- expect: validate-in-same-transaction 4:1
-- options: --no-assume-in-transaction
-- One statement is one transaction, even in autocommit mode.
ALTER TABLE billing.invoice
    ADD CONSTRAINT ck_invoice_amount CHECK (amount > 0) NOT VALID,
    VALIDATE CONSTRAINT ck_invoice_amount;
