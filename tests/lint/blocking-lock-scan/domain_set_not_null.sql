-- expect: blocking-lock-scan 2:1
ALTER DOMAIN positive_amount SET NOT NULL;
