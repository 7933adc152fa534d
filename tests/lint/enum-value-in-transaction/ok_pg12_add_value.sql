-- options: --pg-version 12
-- From PostgreSQL 12 ADD VALUE works in a transaction (the value is usable after commit).
ALTER TYPE order_status ADD VALUE 'refunded';
