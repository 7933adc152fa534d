-- A partition inherits its parent's indexes, and LIKE ... INCLUDING ALL copies
-- the template's: the linter cannot see them, so it does not guess.
CREATE TABLE measurement_y2025 PARTITION OF measurement FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
ALTER TABLE measurement_y2025 ADD CONSTRAINT fk_m_y2025_sensor FOREIGN KEY (sensor_id) REFERENCES sensor (id);
CREATE TABLE order_archive (LIKE orders INCLUDING ALL, FOREIGN KEY (customer_id) REFERENCES customer (id));
