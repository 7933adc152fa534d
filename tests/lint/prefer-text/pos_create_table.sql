-- varchar(n) and char(n) in a new table
-- expect: prefer-text 6:10
-- expect: prefer-text 7:13
CREATE TABLE customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name varchar(255) NOT NULL,
    country char(2),
    notes text
);
