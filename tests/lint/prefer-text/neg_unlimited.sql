-- varchar without a limit and text
CREATE TABLE customers (name varchar, notes text, summary character varying);
