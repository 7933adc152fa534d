CREATE TYPE ticket_state AS ENUM ('open', 'close');
ALTER TYPE ticket_state RENAME VALUE 'close' TO 'closed';
