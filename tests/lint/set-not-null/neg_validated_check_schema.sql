-- the validated CHECK is found for a schema-qualified table
ALTER TABLE billing.payments ADD CONSTRAINT payments_amount_nn CHECK (amount IS NOT NULL) NOT VALID;
ALTER TABLE billing.payments VALIDATE CONSTRAINT payments_amount_nn;
ALTER TABLE billing.payments ALTER COLUMN amount SET NOT NULL;
