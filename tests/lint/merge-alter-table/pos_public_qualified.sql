-- expect: merge-alter-table 3:1
ALTER TABLE public.invoices ADD COLUMN paid_on date;
ALTER TABLE invoices ALTER COLUMN paid_on DROP NOT NULL;
