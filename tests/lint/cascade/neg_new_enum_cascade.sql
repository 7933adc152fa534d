CREATE TYPE tmp_state AS ENUM ('a', 'b');
DROP TYPE tmp_state CASCADE;
