-- An index on (customer_id, tenant_id) serves a key on (tenant_id, customer_id).
CREATE TABLE contact (
    tenant_id bigint, customer_id bigint, email text,
    CONSTRAINT uq_contact UNIQUE (customer_id, tenant_id, email),
    FOREIGN KEY (tenant_id, customer_id) REFERENCES customer (tenant_id, id)
);
