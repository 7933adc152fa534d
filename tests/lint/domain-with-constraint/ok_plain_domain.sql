-- options: --enable domain-with-constraint
CREATE DOMAIN amount AS numeric(12, 2);
