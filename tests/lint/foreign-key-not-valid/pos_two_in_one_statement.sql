-- expect: foreign-key-not-valid 4:1
-- expect: foreign-key-not-valid 4:1
-- options: --no-assume-in-transaction
ALTER TABLE billing.invoice
    ADD CONSTRAINT fk_invoice_customer FOREIGN KEY (customer_id) REFERENCES customer (id) NOT VALID,
    ADD CONSTRAINT fk_invoice_order FOREIGN KEY (order_id) REFERENCES orders (id),
    ADD CONSTRAINT fk_invoice_issuer FOREIGN KEY (issuer_id) REFERENCES issuer (id) ON DELETE SET NULL;
