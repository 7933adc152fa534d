-- Revision 2 of 2: the constraint was added NOT VALID by an earlier revision.
SET lock_timeout = '2s';
ALTER TABLE sample VALIDATE CONSTRAINT fk_sample_assembly;
