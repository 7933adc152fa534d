-- Nobody else can be waiting on a table created in this revision.
CREATE TABLE shipment (id bigint PRIMARY KEY, weight numeric);
ALTER TABLE shipment ADD CONSTRAINT ck_shipment_weight CHECK (weight > 0) NOT VALID;
ALTER TABLE shipment VALIDATE CONSTRAINT ck_shipment_weight;
