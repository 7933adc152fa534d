-- expect: not-in-transaction 2:1
VACUUM (ANALYZE) orders;
