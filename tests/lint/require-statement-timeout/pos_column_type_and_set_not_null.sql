-- expect: require-statement-timeout 3:1
-- one finding per transaction: the later statements are named in its message
ALTER TABLE events ALTER COLUMN id TYPE bigint;
ALTER TABLE events ALTER COLUMN kind SET NOT NULL;
