CREATE TABLE ledger (id bigint, amount numeric, note text);
CREATE INDEX ix_ledger_amount ON ledger (amount);
ALTER TABLE ledger ALTER COLUMN id TYPE int, ALTER COLUMN note SET NOT NULL;
UPDATE ledger SET amount = 0;
