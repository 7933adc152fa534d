-- expect: cascade 2:1
DROP TABLE legacy_sessions CASCADE;
