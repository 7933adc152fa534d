-- the relation is schema-qualified
-- expect: set-not-null 3:1
ALTER TABLE billing.payments ALTER COLUMN amount SET NOT NULL;
