CREATE TABLE audit_entry (id bigint PRIMARY KEY, msg text);
ALTER TABLE audit_entry RENAME COLUMN msg TO message;
