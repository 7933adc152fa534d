-- expect: domain-constraint 3:1
SET lock_timeout = '2s';
ALTER DOMAIN email_address ADD CONSTRAINT email_has_at CHECK (VALUE LIKE '%@%');
