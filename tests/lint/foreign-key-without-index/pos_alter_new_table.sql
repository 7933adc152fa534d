-- expect: foreign-key-without-index 4:30
-- expect: foreign-key-without-index 5:51
CREATE TABLE invoice_line (id bigint PRIMARY KEY, invoice_id bigint, product_id bigint);
ALTER TABLE invoice_line ADD CONSTRAINT fk_line_invoice FOREIGN KEY (invoice_id) REFERENCES invoice (id);
ALTER TABLE invoice_line ADD COLUMN tax_id bigint REFERENCES tax_rate (id);
-- This one has its index.
ALTER TABLE invoice_line ADD CONSTRAINT fk_line_product FOREIGN KEY (product_id) REFERENCES product (id);
CREATE INDEX ix_invoice_line_product ON invoice_line (product_id);
