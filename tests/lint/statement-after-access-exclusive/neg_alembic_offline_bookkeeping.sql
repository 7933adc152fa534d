-- Alembic's offline --sql output: its version bookkeeping runs in the same transaction
-- and cannot be moved; it is not reported.
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
-- Running upgrade  -> 1a2b3c4d5e6f
ALTER TABLE orders ADD COLUMN coupon_code text;
INSERT INTO alembic_version (version_num) VALUES ('1a2b3c4d5e6f') RETURNING alembic_version.version_num;
-- Running upgrade 1a2b3c4d5e6f -> 2b3c4d5e6f7a
UPDATE alembic_version SET version_num='2b3c4d5e6f7a' WHERE alembic_version.version_num = '1a2b3c4d5e6f';
