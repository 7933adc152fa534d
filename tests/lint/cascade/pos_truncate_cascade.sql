-- expect: cascade 2:1
TRUNCATE orders CASCADE;
