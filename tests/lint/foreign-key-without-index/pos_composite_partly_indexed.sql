-- expect: foreign-key-without-index 5:5
-- Only tenant_id is indexed; the key is (tenant_id, customer_id).
CREATE TABLE contact (
    tenant_id bigint, customer_id bigint, email text,
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id)
);
CREATE INDEX ix_contact_tenant ON contact (tenant_id);
