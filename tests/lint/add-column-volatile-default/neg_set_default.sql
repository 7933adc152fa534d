-- SET DEFAULT on an existing column only affects new rows
ALTER TABLE users ALTER COLUMN public_id SET DEFAULT gen_random_uuid();
