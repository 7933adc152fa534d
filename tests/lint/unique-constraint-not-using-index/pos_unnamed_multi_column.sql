-- expect: unique-constraint-not-using-index 4:1
-- options: --no-assume-in-transaction
SET lock_timeout = '2s';
ALTER TABLE billing.invoice ADD UNIQUE (issuer_id, number);
