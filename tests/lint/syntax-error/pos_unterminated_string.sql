-- expect: syntax-error 4:26
SET lock_timeout = '2s';
ALTER TABLE sample ADD COLUMN note text;
UPDATE sample SET note = 'unfinished WHERE id = 1;
