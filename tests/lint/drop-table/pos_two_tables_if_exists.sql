-- expect: drop-table 3:1
-- expect: drop-table 3:1
DROP TABLE IF EXISTS old_orders, audit.old_events;
