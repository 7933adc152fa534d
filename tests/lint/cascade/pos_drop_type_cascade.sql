-- expect: cascade 2:1
DROP TYPE mood CASCADE;
