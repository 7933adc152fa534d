-- expect: blocking-lock 2:12
LOCK TABLE sales.orders;
