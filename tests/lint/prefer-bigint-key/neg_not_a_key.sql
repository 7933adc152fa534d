-- integer columns that are not the primary key
CREATE TABLE line_items (id bigint PRIMARY KEY, quantity integer NOT NULL, position smallint UNIQUE);
