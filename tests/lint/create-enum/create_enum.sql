-- options: --enable create-enum
-- expect: create-enum 3:1
CREATE TYPE order_status AS ENUM ('new', 'paid');
