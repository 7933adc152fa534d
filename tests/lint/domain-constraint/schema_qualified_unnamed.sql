-- expect: domain-constraint 4:1
ALTER TABLE customers ADD COLUMN vip boolean;
-- an unnamed CHECK still validates every row of every table using the domain
ALTER DOMAIN billing.positive_amount ADD CHECK (VALUE > 0);
