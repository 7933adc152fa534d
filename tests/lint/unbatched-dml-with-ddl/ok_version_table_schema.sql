-- version_table_schema = 'meta': the bookkeeping row moves after each revision's DDL.
ALTER TABLE orders ADD COLUMN note text;
UPDATE meta.alembic_version SET version_num='4d5e6f7a8b9c' WHERE meta.alembic_version.version_num = '3c4d5e6f7a8b';
CREATE INDEX ix_orders_note ON orders (note);
