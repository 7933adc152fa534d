-- raising or dropping a time precision is free
ALTER TABLE runs ADD COLUMN started timestamp(3), ADD COLUMN took interval(3);
ALTER TABLE runs ALTER COLUMN started TYPE timestamp, ALTER COLUMN took TYPE interval(6);
