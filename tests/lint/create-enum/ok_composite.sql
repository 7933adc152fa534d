-- options: --enable create-enum
CREATE TYPE money_amount AS (amount numeric, currency text);
