-- gen_random_uuid() is volatile: every row gets its own value
-- expect: add-column-volatile-default 3:30
ALTER TABLE users ADD COLUMN public_id uuid DEFAULT gen_random_uuid();
