-- expect: drop-column 3:1
CREATE TABLE billing.refunds (id bigint);
ALTER TABLE billing.invoices DROP COLUMN old_total CASCADE;
