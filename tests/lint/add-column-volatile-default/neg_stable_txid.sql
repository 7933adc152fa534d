-- txid_current() is stable, not volatile
ALTER TABLE audit ADD COLUMN created_xid bigint DEFAULT txid_current();
