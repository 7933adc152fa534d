-- expect: drop-table 2:1
DROP TABLE legacy_sessions;
