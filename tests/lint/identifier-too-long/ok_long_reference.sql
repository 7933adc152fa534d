-- Naming an existing long object does not create a name (it was cut the same way when created).
ALTER TABLE customer_subscription_payment_method_verification_attempts_log_x ADD COLUMN note text;
SELECT count(*) FROM customer_subscription_payment_method_verification_attempts_log_x;
