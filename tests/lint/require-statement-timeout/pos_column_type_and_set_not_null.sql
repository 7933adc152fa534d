-- expect: require-statement-timeout 3:1
-- expect: require-statement-timeout 4:1
ALTER TABLE events ALTER COLUMN id TYPE bigint;
ALTER TABLE events ALTER COLUMN kind SET NOT NULL;
