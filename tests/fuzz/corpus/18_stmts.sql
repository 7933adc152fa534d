-- stmts
CREATE TABLE a (id int)
-- next
-- autocommit
CREATE INDEX CONCURRENTLY ix ON a (id)
-- next
ALTER TABLE a ADD COLUMN b int NOT NULL
