-- expect: blocking-lock 3:12
SET lock_timeout = '2s';
LOCK TABLE orders IN SHARE MODE;
