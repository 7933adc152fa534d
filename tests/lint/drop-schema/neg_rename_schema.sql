ALTER SCHEMA legacy RENAME TO legacy_old;
