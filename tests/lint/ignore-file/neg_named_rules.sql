-- migrate-gate: ignore-file create-index-non-concurrent,require-statement-timeout -- tiny table
CREATE INDEX ix_country_code ON country (code);
