-- expect: identifier-too-long 3:46
SET lock_timeout = '2s';
ALTER INDEX ix_attempts_created_at RENAME TO ix_customer_subscription_payment_method_verification_attempts_created_at;
