-- Blocking, but not this rule's business: these run fine in a transaction.
CREATE TABLE t (a int);
CREATE INDEX ix_t_a ON t (a);
REINDEX TABLE t;
ALTER TABLE measurement DETACH PARTITION measurement_y2020;
