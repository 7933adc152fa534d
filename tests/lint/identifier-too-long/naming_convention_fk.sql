-- Alembic's naming_convention builds names from table and column names.
-- expect: identifier-too-long 4:20
ALTER TABLE customer_subscription_payment_method_verification_attempts
    ADD CONSTRAINT fk_customer_subscription_payment_method_verification_attempts_customer_id_customers FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
