-- stmts
BEGIN
-- next
SET LOCAL lock_timeout = 5
-- next
SELEC oops
-- next
-- autocommit
VACUUM t
-- next
COMMIT
