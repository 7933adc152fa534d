-- café ünïcødé 日本語 🐘
COMMENT ON TABLE "tablé" IS 'naïve — 中文';
ALTER TABLE "tablé" ADD COLUMN "ñ" text;
