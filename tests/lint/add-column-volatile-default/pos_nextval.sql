-- nextval() gives each row its own value
-- expect: add-column-volatile-default 4:32
CREATE SEQUENCE ticket_no_seq;
ALTER TABLE tickets ADD COLUMN ticket_no bigint DEFAULT nextval('ticket_no_seq');
