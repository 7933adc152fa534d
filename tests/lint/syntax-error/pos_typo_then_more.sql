-- expect: syntax-error 5:43
-- The statements after the broken one are still linted (see expect-all cases
-- in other directories); here only the position is checked.
SET lock_timeout = '2s';
ALTER TABLE sample ADD COLUMN status text DEFALT 'new';
ALTER TABLE sample ADD COLUMN note text;
