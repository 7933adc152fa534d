-- ADD COLUMN character varying(n)
-- expect: prefer-text 3:45
ALTER TABLE customers ADD COLUMN vat_number character varying(32);
