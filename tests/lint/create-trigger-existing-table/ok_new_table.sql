CREATE TABLE comments (id bigint PRIMARY KEY, body text, updated_at timestamptz);
CREATE TRIGGER comments_touch BEFORE UPDATE ON comments FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
