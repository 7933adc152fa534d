-- expect: drop-index-non-concurrent 5:1
-- options: --no-assume-in-transaction
BEGIN;
SET LOCAL lock_timeout = '2s';
DROP INDEX public.ix_genome_note_title;
COMMIT;
