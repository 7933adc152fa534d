-- uuid_generate_v4() in the second column
-- expect: add-column-volatile-default 5:16
ALTER TABLE devices
    ADD COLUMN label text,
    ADD COLUMN token uuid DEFAULT uuid_generate_v4();
