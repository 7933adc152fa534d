-- expect: identifier-too-long 3:14
-- expect: identifier-too-long 4:27
CREATE INDEX ix_customer_subscription_payment_method_verification_attempts_created_at ON attempts (created_at);
ALTER TABLE attempts ADD "Verification_Attempt_Result_Code_Returned_By_The_Payment_Provider" text;
