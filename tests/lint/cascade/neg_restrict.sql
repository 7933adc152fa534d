DROP TABLE legacy_sessions RESTRICT;
DROP TYPE mood;
TRUNCATE orders;
