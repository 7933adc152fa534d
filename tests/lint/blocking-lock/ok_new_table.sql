CREATE TABLE order_archive (id bigint PRIMARY KEY);
LOCK TABLE order_archive IN ACCESS EXCLUSIVE MODE;
