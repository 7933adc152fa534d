-- migrate-gate: ignore create-index-non-concurrent -- 40 rows
CREATE INDEX ix_country_code ON country (code);
