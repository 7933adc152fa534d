-- expect: statement-after-access-exclusive 3:1
DROP TABLE legacy_sessions;
DO $$ BEGIN UPDATE users SET session_id = NULL WHERE session_id IS NOT NULL; END $$;
