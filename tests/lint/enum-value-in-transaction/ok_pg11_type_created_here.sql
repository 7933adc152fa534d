-- options: --pg-version 11
-- A type created in the same transaction may get new values on any version.
CREATE TYPE shipment_state AS ENUM ('pending', 'shipped');
ALTER TYPE shipment_state ADD VALUE 'delivered';
CREATE TABLE shipments (id bigint PRIMARY KEY, state shipment_state NOT NULL);
