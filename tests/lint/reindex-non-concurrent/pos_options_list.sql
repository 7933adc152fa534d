-- expect: reindex-non-concurrent 4:1
-- expect: reindex-non-concurrent 5:1
-- options: --no-assume-in-transaction
REINDEX (VERBOSE) SCHEMA billing;
REINDEX (CONCURRENTLY false) INDEX billing.ix_invoice_number;
