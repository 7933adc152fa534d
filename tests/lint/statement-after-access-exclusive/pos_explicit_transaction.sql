-- expect: statement-after-access-exclusive 5:1
-- options: --no-assume-in-transaction
BEGIN;
ALTER TABLE accounts RENAME COLUMN nick TO nickname;
INSERT INTO accounts_audit SELECT id, now() FROM accounts;
COMMIT;
