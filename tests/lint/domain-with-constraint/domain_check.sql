-- options: --enable domain-with-constraint
-- expect: domain-with-constraint 3:1
CREATE DOMAIN positive_amount AS numeric CHECK (VALUE > 0);
