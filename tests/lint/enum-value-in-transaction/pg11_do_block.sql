-- options: --pg-version 11 --no-assume-in-transaction
-- expect: enum-value-in-transaction 4:1
-- A DO block is not top level: before 12 ADD VALUE fails there even without BEGIN.
DO $$
BEGIN
    ALTER TYPE order_status ADD VALUE 'refunded';
END
$$;
