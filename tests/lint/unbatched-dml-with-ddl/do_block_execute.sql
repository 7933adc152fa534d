-- expect: unbatched-dml-with-ddl 9:1
-- EXECUTE with a constant string is read too. The DDL comes after the DELETE,
-- so the finding is at the DDL.
DO $$
BEGIN
    EXECUTE 'DELETE FROM audit_events WHERE created_at < now() - interval ''2 years''';
END
$$;
ALTER TABLE audit_events DROP COLUMN legacy_payload;
