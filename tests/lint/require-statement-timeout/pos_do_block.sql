-- expect: require-statement-timeout 2:1
DO $$ BEGIN UPDATE users SET newsletter = false; END $$;
