-- expect: rename-enum-value 2:1
ALTER TYPE billing.plan RENAME VALUE 'pro' TO 'professional';
