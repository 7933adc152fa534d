-- DROP DATABASE prod; is never run: it is only text here.
INSERT INTO audit_log (message) VALUES ('DROP DATABASE prod');
