-- expect: rename-column 2:1
ALTER TABLE billing.invoices RENAME amount TO amount_cents;
