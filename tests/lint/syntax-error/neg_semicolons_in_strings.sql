SET lock_timeout = '2s';
INSERT INTO note (body) VALUES ('first; second'), (E'it\'s; fine'), ($tag$ a; b $tag$);
COMMENT ON TABLE sample IS 'samples; one row per specimen';
