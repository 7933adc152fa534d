-- expect: identifier-too-long 2:14
CREATE TABLE customer_subscription_payment_method_verification_attempts_log_x (
    id bigint PRIMARY KEY
);
