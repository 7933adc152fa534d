-- a multi-column UPDATE backfills every column it names
ALTER TABLE accounts ADD COLUMN plan text, ADD COLUMN tier integer;
UPDATE accounts SET (plan, tier) = ('free', 1);
ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL, ALTER COLUMN tier SET NOT NULL;
