CREATE TABLE readings (id bigint, taken_on date NOT NULL) PARTITION BY RANGE (taken_on);
CREATE TABLE readings_2024 PARTITION OF readings FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
CREATE TABLE readings_default PARTITION OF readings DEFAULT;
ALTER TABLE readings DETACH PARTITION readings_default;
