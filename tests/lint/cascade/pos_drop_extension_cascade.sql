-- expect: cascade 2:1
DROP EXTENSION IF EXISTS hstore CASCADE;
