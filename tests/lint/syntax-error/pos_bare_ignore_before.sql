-- expect: syntax-error 5:14
-- A bare ignore hides every rule of its statement but this one: a statement
-- PostgreSQL rejects fails the deploy, whatever the comment says.
-- migrate-gate: ignore
CREATE TABLE (id integer);
