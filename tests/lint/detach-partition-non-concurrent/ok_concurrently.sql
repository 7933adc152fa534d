-- options: --no-assume-in-transaction
-- Run in Alembic's autocommit_block: CONCURRENTLY is refused inside a transaction.
ALTER TABLE measurements DETACH PARTITION measurements_2019 CONCURRENTLY;
ALTER TABLE measurements DETACH PARTITION measurements_2019 FINALIZE;
