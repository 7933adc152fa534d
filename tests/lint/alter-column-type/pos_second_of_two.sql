-- each subcommand is judged on its own
-- expect: alter-column-type 5:18
ALTER TABLE orders
    ALTER COLUMN note TYPE text,
    ALTER COLUMN quantity TYPE smallint;
